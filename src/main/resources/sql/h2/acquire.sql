-- pending -> running for a batch of delivered tasks: the compare-and-set that lets exactly one
-- delivery run each task (a task not pending any more is simply not returned). fence + 1 gives
-- each attempt a token no earlier attempt holds, rescues and redrives included.
SELECT CAST(id AS VARCHAR(36)) AS id, type, payload, attempts, max_attempts, fence, priority,
       run_at FROM FINAL TABLE (
UPDATE tasks
   SET status = :#TaskToStatus, attempts = attempts + 1, fence = fence + 1, owner = :#TaskNode,
       lease_until = :#TaskLeaseUntil, transition_node = :#TaskNode, transition_reason = NULL,
       updated_at = :#TaskNow
 WHERE id IN (:#in:TaskIds) AND status = :#TaskFromStatus)
