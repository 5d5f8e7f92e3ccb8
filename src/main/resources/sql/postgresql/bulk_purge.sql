-- Deletes one chunk of a group's finished tasks (POST /api/groups/{name}/purge, direct:bulk-purge)
-- with their history (ON DELETE CASCADE); no transition: the row goes. States: :#in:TaskBulkStatuses
-- (completed, cancelled, archived by default; dead_letter only when asked for). Filters: type
-- ('' = any) and the half-open window [TaskBulkFrom, TaskBulkTo) on updated_at, the time the task
-- reached its state. At most :#TaskLimit rows per statement, found through the index
-- tasks_group_status; the outer guard on the status leaves a task that changed meanwhile (a CTE:
-- see rescue_leases.sql).
WITH batch AS (
  SELECT id FROM tasks
   WHERE resource_group = :#TaskGroup AND status IN (:#in:TaskBulkStatuses)
     AND (:#TaskType = '' OR type = :#TaskType)
     AND updated_at >= :#TaskBulkFrom AND updated_at < :#TaskBulkTo
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
DELETE FROM tasks USING batch
 WHERE tasks.id = batch.id AND tasks.status IN (:#in:TaskBulkStatuses)
