-- Deletes one chunk of a group's finished tasks with their history (ON DELETE CASCADE), see
-- sql/postgresql/bulk_purge.sql; at most :#TaskLimit tasks per statement.
DELETE FROM tasks
 WHERE id IN (SELECT id FROM tasks
               WHERE resource_group = :#TaskGroup AND status IN (:#in:TaskBulkStatuses)
                 AND (:#TaskType = '' OR type = :#TaskType)
                 AND updated_at >= :#TaskBulkFrom AND updated_at < :#TaskBulkTo
               LIMIT :#TaskLimit)
   AND status IN (:#in:TaskBulkStatuses)
