-- completed/cancelled -> archived after the retention period, one UPDATE per source state, at most
-- :#TaskLimit rows per run, oldest first, through the index tasks_status_updated (a CTE: see
-- rescue_leases.sql)
WITH batch AS (
  SELECT id FROM tasks
   WHERE status = :#TaskFromStatus AND updated_at < :#TaskCutoff
   ORDER BY updated_at
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
UPDATE tasks
   SET status = :#TaskToStatus, transition_node = :#TaskNode, transition_reason = 'retention',
       updated_at = :#TaskNow
  FROM batch
 WHERE tasks.id = batch.id
