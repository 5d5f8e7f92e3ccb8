-- The latest circuit state change of every group, polled by each node (GroupControlRoute).
SELECT resource_group, state, failure_count, opened_at, open_until, node, updated_at
  FROM circuit_breaker_state
