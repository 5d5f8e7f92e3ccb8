-- pending -> running: the compare-and-set that lets exactly one delivery run the task. fence + 1
-- gives this attempt a token no earlier attempt holds, rescues and redrives included.
UPDATE tasks
   SET status = :#TaskToStatus, attempts = attempts + 1, fence = fence + 1, owner = :#TaskNode,
       lease_until = :#TaskLeaseUntil, transition_node = :#TaskNode, transition_reason = NULL,
       updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus
RETURNING type, payload, attempts, max_attempts, fence
