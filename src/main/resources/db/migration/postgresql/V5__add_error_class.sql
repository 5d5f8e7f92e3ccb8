-- The error class of a handler failure (validation, transient, database, business, system) on the
-- task and in its history. On the task it is the class of the latest failure and stays, like
-- last_error, until the next one (a retry or a completion keeps it; a spent lease clears it). In
-- the history it is on the row of the transition that recorded the failure: running -> failed, or
-- running -> completed when a business failure completed with an error result (its type's policy
-- `complete`; only such a completion has a reason). NULL for tasks failed before this migration.
ALTER TABLE tasks ADD COLUMN error_class VARCHAR(32);
ALTER TABLE task_history ADD COLUMN error_class VARCHAR(32);

-- V1's trigger function, plus error_class
CREATE OR REPLACE FUNCTION tasks_record_transition() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_history (task_id, from_status, to_status, changed_at, node, reason)
        VALUES (NEW.id, NULL, NEW.status, NEW.updated_at, NEW.transition_node, NEW.transition_reason);
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO task_history
            (task_id, from_status, to_status, changed_at, node, reason, error_class)
        VALUES (NEW.id, OLD.status, NEW.status, NEW.updated_at, NEW.transition_node,
                NEW.transition_reason,
                CASE WHEN NEW.status = 'failed'
                       OR (NEW.status = 'completed' AND NEW.transition_reason IS NOT NULL)
                     THEN NEW.error_class END);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
