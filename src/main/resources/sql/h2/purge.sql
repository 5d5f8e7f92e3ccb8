-- archived tasks older than retention.purge-after are deleted with their history (ON DELETE
-- CASCADE), at most :#TaskLimit tasks per run
DELETE FROM tasks
 WHERE id IN (SELECT id FROM tasks
               WHERE status = 'archived' AND updated_at < :#TaskCutoff
               ORDER BY updated_at
               LIMIT :#TaskLimit)
   AND status = 'archived'
