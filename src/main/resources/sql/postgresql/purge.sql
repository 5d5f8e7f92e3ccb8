-- archived tasks older than retention.purge-after are deleted; their history goes with them
-- (ON DELETE CASCADE). At most :#TaskLimit tasks per run, through the index tasks_status_updated
-- (a CTE: see rescue_leases.sql).
WITH batch AS (
  SELECT id FROM tasks
   WHERE status = 'archived' AND updated_at < :#TaskCutoff
   ORDER BY updated_at
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
DELETE FROM tasks USING batch WHERE tasks.id = batch.id
