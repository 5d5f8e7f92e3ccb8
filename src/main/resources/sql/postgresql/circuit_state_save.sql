-- The latest state change of a group's circuit breaker (one row per group, the last change wins).
INSERT INTO circuit_breaker_state
       (resource_group, state, failure_count, opened_at, open_until, node, updated_at)
VALUES (:#TaskGroup, :#CircuitState, :#CircuitFailures, :#CircuitOpenedAt, :#CircuitOpenUntil,
        :#TaskNode, :#TaskNow)
ON CONFLICT (resource_group) DO UPDATE
   SET state = EXCLUDED.state, failure_count = EXCLUDED.failure_count,
       opened_at = EXCLUDED.opened_at, open_until = EXCLUDED.open_until, node = EXCLUDED.node,
       updated_at = EXCLUDED.updated_at
