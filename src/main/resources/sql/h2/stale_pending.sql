-- pending tasks untouched for longer than rescue.stale-after (see sql/postgresql/stale_pending.sql),
-- at most :#TaskLimit rows per run through the index tasks_status_updated
UPDATE tasks
   SET published = FALSE, updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE status = 'pending' AND published = TRUE AND updated_at < :#TaskCutoff
                 AND (run_at IS NULL OR run_at < :#TaskCutoff)
               ORDER BY updated_at
               LIMIT :#TaskLimit)
   AND status = 'pending' AND published = TRUE AND updated_at < :#TaskCutoff
