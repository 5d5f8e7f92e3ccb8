-- completed/cancelled -> archived after the retention period; one atomic UPDATE per source state
UPDATE tasks
   SET status = :#TaskToStatus, transition_node = :#TaskNode, transition_reason = 'retention',
       updated_at = :#TaskNow
 WHERE status = :#TaskFromStatus AND updated_at < :#TaskCutoff
