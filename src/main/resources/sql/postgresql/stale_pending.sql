-- pending tasks untouched for longer than rescue.stale-after (and past their runAt): their message
-- may be gone (a purged queue, a restored broker). Mark them unpublished so the rescue resends
-- them; updated_at moves, so each is resent at most once per period. No status change, no history.
-- At most :#TaskLimit rows per run, oldest first, through the index tasks_status_updated.
UPDATE tasks
   SET published = FALSE, updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE status = 'pending' AND published = TRUE AND updated_at < :#TaskCutoff
                 AND (run_at IS NULL OR run_at < :#TaskCutoff)
               ORDER BY updated_at
               LIMIT :#TaskLimit
                 FOR UPDATE SKIP LOCKED)
   AND status = 'pending' AND published = TRUE AND updated_at < :#TaskCutoff
