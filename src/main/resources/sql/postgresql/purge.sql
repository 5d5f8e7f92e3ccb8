-- archived tasks older than retention.purge-after are deleted; their history goes with them
-- (ON DELETE CASCADE). At most :#TaskLimit tasks per run, through the index tasks_status_updated.
DELETE FROM tasks
 WHERE id IN (SELECT id FROM tasks
               WHERE status = 'archived' AND updated_at < :#TaskCutoff
               ORDER BY updated_at
               LIMIT :#TaskLimit
                 FOR UPDATE SKIP LOCKED)
   AND status = 'archived'
