-- running -> completed, fenced: an attempt whose lease was rescued, or one from before a redrive,
-- updates nothing
UPDATE tasks
   SET status = :#TaskToStatus, result = :#TaskResult, lease_until = NULL,
       transition_node = :#TaskNode, transition_reason = NULL, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND fence = :#TaskFence
