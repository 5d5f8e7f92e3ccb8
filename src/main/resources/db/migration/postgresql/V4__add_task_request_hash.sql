-- A hash of what a task was enqueued with (type, payload, priority, group, runAt, maxAttempts), so an
-- idempotency key reused for a different request is refused (409) instead of silently answering
-- the first task. NULL for tasks enqueued before this column existed: those keep the old behaviour.
ALTER TABLE tasks ADD COLUMN request_hash VARCHAR(64);
