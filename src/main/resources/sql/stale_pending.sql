-- pending tasks untouched for longer than rescue.stale-after (and past their runAt): their message
-- may be gone (a purged queue, a restored broker). Mark them unpublished so the rescue resends
-- them; updated_at moves, so each is resent at most once per period. No status change, no history.
UPDATE tasks
   SET published = FALSE, updated_at = :#TaskNow
 WHERE status = 'pending' AND published = TRUE AND updated_at < :#TaskCutoff
   AND (run_at IS NULL OR run_at < :#TaskCutoff)
