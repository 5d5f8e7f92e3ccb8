-- (none) -> pending: a new task; the history trigger writes its first row in the same transaction
INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts, max_attempts,
                   run_at, idempotency_key, published, transition_node, transition_reason,
                   created_at, updated_at)
VALUES (CAST(:#TaskId AS UUID), :#TaskType, :#TaskGroup, :#TaskPayload, :#TaskToStatus,
        :#TaskPriority, 0, :#TaskMaxAttempts, :#TaskRunAt, :#TaskIdempotencyKey, TRUE, :#TaskNode,
        :#TaskReason, :#TaskNow, :#TaskNow)
