-- pending -> running: the compare-and-set that lets exactly one delivery run the task
SELECT type, payload, attempts, max_attempts FROM FINAL TABLE (
UPDATE tasks
   SET status = :#TaskToStatus, attempts = attempts + 1, owner = :#TaskNode,
       lease_until = :#TaskLeaseUntil, transition_node = :#TaskNode, transition_reason = NULL,
       updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus)
