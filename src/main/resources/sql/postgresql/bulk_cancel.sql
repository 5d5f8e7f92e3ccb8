-- pending -> cancelled for one chunk of a group's pending tasks (POST /api/groups/{name}/cancel,
-- direct:bulk-cancel), like cancel.sql task by task (delayed tasks too). Filters: type ('' = any)
-- and the half-open window [TaskBulkFrom, TaskBulkTo) on created_at, the time the task was
-- enqueued. At most :#TaskLimit rows per statement, found through the index tasks_group_status. A
-- task a worker is acquiring right now is locked: SKIP LOCKED leaves it to the worker, and the
-- outer guard on the status means a task that is running by now is never cancelled (a CTE: see
-- rescue_leases.sql).
WITH batch AS (
  SELECT id FROM tasks
   WHERE resource_group = :#TaskGroup AND status = :#TaskFromStatus
     AND (:#TaskType = '' OR type = :#TaskType)
     AND created_at >= :#TaskBulkFrom AND created_at < :#TaskBulkTo
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, transition_node = :#TaskNode,
       transition_reason = :#TaskReason, updated_at = :#TaskNow
  FROM batch
 WHERE tasks.id = batch.id AND tasks.status = :#TaskFromStatus
RETURNING CAST(tasks.id AS VARCHAR(36)) AS id, tasks.type, tasks.resource_group
