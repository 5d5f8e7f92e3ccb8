-- dead_letter -> pending for one chunk of a group's dead letters (see
-- sql/postgresql/bulk_redrive.sql), at most :#TaskLimit rows per statement. H2 has no SKIP LOCKED
-- in a subquery: the outer guard on the status keeps it a compare-and-set.
SELECT CAST(id AS VARCHAR(36)) AS id, type, resource_group, priority, run_at FROM FINAL TABLE (
UPDATE tasks
   SET status = :#TaskToStatus, attempts = 0, run_at = NULL, owner = NULL, lease_until = NULL,
       published = FALSE, transition_node = :#TaskNode, transition_reason = :#TaskReason,
       updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE resource_group = :#TaskGroup AND status = :#TaskFromStatus
                 AND (:#TaskType = '' OR type = :#TaskType)
                 AND updated_at >= :#TaskBulkFrom AND updated_at < :#TaskBulkTo
               LIMIT :#TaskLimit)
   AND status = :#TaskFromStatus)
