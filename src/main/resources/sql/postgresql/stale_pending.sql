-- pending tasks untouched for longer than rescue.stale-after (and past their runAt): their message
-- may be gone (a purged queue, a restored broker). Mark them unpublished so the rescue resends
-- them; updated_at moves, so each is resent at most once per period. No status change, no history.
-- At most :#TaskLimit rows per run, oldest first, through the index tasks_status_updated (a CTE:
-- see rescue_leases.sql).
WITH batch AS (
  SELECT id FROM tasks
   WHERE status = 'pending' AND published = TRUE AND updated_at < :#TaskCutoff
     AND (run_at IS NULL OR run_at < :#TaskCutoff)
   ORDER BY updated_at
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
UPDATE tasks
   SET published = FALSE, updated_at = :#TaskNow
  FROM batch
 WHERE tasks.id = batch.id
