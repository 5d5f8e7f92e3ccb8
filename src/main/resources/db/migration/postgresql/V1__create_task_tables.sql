-- Tasks, their transition history, circuit breaker state and metrics (PostgreSQL).
CREATE TABLE tasks (
    id                UUID PRIMARY KEY,
    type              VARCHAR(100)  NOT NULL,
    resource_group    VARCHAR(100)  NOT NULL,
    payload           TEXT          NOT NULL,  -- the client's JSON text, kept byte for byte
    status            VARCHAR(16)   NOT NULL,
    priority          SMALLINT      NOT NULL,
    attempts          INTEGER       NOT NULL DEFAULT 0,
    max_attempts      INTEGER       NOT NULL,
    run_at            TIMESTAMP WITH TIME ZONE,
    owner             VARCHAR(200),            -- node running the current attempt
    lease_until       TIMESTAMP WITH TIME ZONE,
    idempotency_key   VARCHAR(200),
    result            TEXT,
    last_error        TEXT,
    -- false while a pending task's message is not known to be on the broker (after a lease rescue)
    published         BOOLEAN       NOT NULL DEFAULT TRUE,
    -- who made the latest transition and why; the history trigger copies them
    transition_node   VARCHAR(200),
    transition_reason VARCHAR(1000),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tasks_status_valid CHECK (status IN
        ('pending', 'running', 'completed', 'failed', 'cancelled', 'archived', 'dead_letter')),
    CONSTRAINT tasks_priority_range CHECK (priority BETWEEN 0 AND 9)
);

CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key);
CREATE INDEX tasks_status_priority ON tasks (status, priority DESC, created_at);
CREATE INDEX tasks_group_status ON tasks (resource_group, status);
CREATE INDEX tasks_running_lease ON tasks (lease_until) WHERE status = 'running';
CREATE INDEX tasks_unpublished ON tasks (priority DESC, id) WHERE status = 'pending' AND NOT published;

CREATE TABLE task_history (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     UUID         NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    from_status VARCHAR(16),
    to_status   VARCHAR(16)  NOT NULL,
    changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    node        VARCHAR(200),
    reason      VARCHAR(1000)
);
CREATE INDEX task_history_task ON task_history (task_id, id);

-- One history row per status change, written in the same transaction as the change itself.
CREATE FUNCTION tasks_record_transition() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_history (task_id, from_status, to_status, changed_at, node, reason)
        VALUES (NEW.id, NULL, NEW.status, NEW.updated_at, NEW.transition_node, NEW.transition_reason);
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO task_history (task_id, from_status, to_status, changed_at, node, reason)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.updated_at, NEW.transition_node, NEW.transition_reason);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tasks_history AFTER INSERT OR UPDATE OF status ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_record_transition();

CREATE TABLE circuit_breaker_state (
    resource_group VARCHAR(100) PRIMARY KEY,
    state          VARCHAR(16)  NOT NULL,
    failure_count  INTEGER      NOT NULL DEFAULT 0,
    opened_at      TIMESTAMP WITH TIME ZONE,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX circuit_breaker_state_group ON circuit_breaker_state (resource_group, state);

CREATE TABLE metrics (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_group VARCHAR(100),
    name           VARCHAR(100) NOT NULL,
    metric_value   DOUBLE PRECISION NOT NULL
);
CREATE INDEX metrics_recorded_at ON metrics (recorded_at);
