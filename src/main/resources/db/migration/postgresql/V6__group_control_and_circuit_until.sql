-- Per-group operator and resilience state shared by every node (issue 8).
-- circuit_breaker_state: the latest state change of a group's breaker, by the node that saw it;
-- open_until is when an OPEN circuit lets probes through again (other nodes hold back until then).
ALTER TABLE circuit_breaker_state ADD COLUMN open_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE circuit_breaker_state ADD COLUMN node VARCHAR(200);

-- A paused group: no node consumes its queue; enqueue still works. Survives restarts.
CREATE TABLE group_control (
    resource_group VARCHAR(100) PRIMARY KEY,
    paused         BOOLEAN      NOT NULL,
    changed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    changed_by     VARCHAR(200)
);

-- The cluster-wide throttle (throttle.scope = cluster): one row per handler call it let through;
-- a call is let through while fewer than max-requests rows of its group are younger than a period.
CREATE TABLE throttle_grant (
    resource_group VARCHAR(100) NOT NULL,
    granted_at     BIGINT       NOT NULL   -- epoch millis, database clock
);
CREATE INDEX throttle_grant_group_time ON throttle_grant (resource_group, granted_at);
