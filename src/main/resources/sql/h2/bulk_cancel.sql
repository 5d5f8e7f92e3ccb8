-- pending -> cancelled for one chunk of a group's pending tasks (see
-- sql/postgresql/bulk_cancel.sql), at most :#TaskLimit rows per statement. H2 has no SKIP LOCKED in
-- a subquery: the outer guard on the status keeps it a compare-and-set against the acquire.
SELECT CAST(id AS VARCHAR(36)) AS id, type, resource_group FROM FINAL TABLE (
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, transition_node = :#TaskNode,
       transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE resource_group = :#TaskGroup AND status = :#TaskFromStatus
                 AND (:#TaskType = '' OR type = :#TaskType)
                 AND created_at >= :#TaskBulkFrom AND created_at < :#TaskBulkTo
               LIMIT :#TaskLimit)
   AND status = :#TaskFromStatus)
