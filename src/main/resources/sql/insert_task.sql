-- (none) -> pending: a new task; the history trigger writes its first row in the same transaction.
-- A repeated idempotency key inserts nothing (0 rows): the unique index decides, also between
-- concurrent requests. Untargeted ON CONFLICT, because H2 (PostgreSQL mode) rejects a conflict
-- target; the only other unique column is the fresh time-ordered id.
INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts, max_attempts,
                   run_at, idempotency_key, published, transition_node, transition_reason,
                   created_at, updated_at, request_hash)
VALUES (CAST(:#TaskId AS UUID), :#TaskType, :#TaskGroup, :#TaskPayload, :#TaskToStatus,
        :#TaskPriority, 0, :#TaskMaxAttempts, :#TaskRunAt, :#TaskIdempotencyKey, TRUE, :#TaskNode,
        :#TaskReason, :#TaskNow, :#TaskNow, :#TaskRequestHash)
ON CONFLICT DO NOTHING
