-- completed/cancelled -> archived after the retention period, at most :#TaskLimit rows per run
UPDATE tasks
   SET status = :#TaskToStatus, transition_node = :#TaskNode, transition_reason = 'retention',
       updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE status = :#TaskFromStatus AND updated_at < :#TaskCutoff
               ORDER BY updated_at
               LIMIT :#TaskLimit)
   AND status = :#TaskFromStatus
