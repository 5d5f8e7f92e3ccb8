-- dead_letter -> pending for one chunk of a group's dead letters (POST /api/groups/{name}/redrive,
-- direct:bulk-redrive), like redrive.sql task by task: a full set of attempts again, to run now,
-- published = FALSE until its message is sent (the rescue resends it after a crash in between).
-- Filters: type ('' = any) and the half-open window [TaskBulkFrom, TaskBulkTo) on updated_at, the
-- time the task became dead_letter. At most :#TaskLimit rows per statement, found through the index
-- tasks_group_status; SKIP LOCKED leaves a row another transaction is changing to that change, and
-- the outer guard on the status keeps the compare-and-set (a CTE: see rescue_leases.sql).
WITH batch AS (
  SELECT id FROM tasks
   WHERE resource_group = :#TaskGroup AND status = :#TaskFromStatus
     AND (:#TaskType = '' OR type = :#TaskType)
     AND updated_at >= :#TaskBulkFrom AND updated_at < :#TaskBulkTo
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
UPDATE tasks
   SET status = :#TaskToStatus, attempts = 0, run_at = NULL, owner = NULL, lease_until = NULL,
       published = FALSE, transition_node = :#TaskNode, transition_reason = :#TaskReason,
       updated_at = :#TaskNow
  FROM batch
 WHERE tasks.id = batch.id AND tasks.status = :#TaskFromStatus
RETURNING CAST(tasks.id AS VARCHAR(36)) AS id, tasks.type, tasks.resource_group, tasks.priority,
          tasks.run_at
