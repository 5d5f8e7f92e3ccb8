-- The latest state change of a group's circuit breaker (one row per group, the last change wins).
MERGE INTO circuit_breaker_state
      (resource_group, state, failure_count, opened_at, open_until, node, updated_at)
  KEY (resource_group)
VALUES (:#TaskGroup, :#CircuitState, :#CircuitFailures, :#CircuitOpenedAt, :#CircuitOpenUntil,
        :#TaskNode, :#TaskNow)
