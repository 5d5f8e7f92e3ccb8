-- running -> completed, fenced by the attempt number: a rescued (stale) attempt updates nothing
UPDATE tasks
   SET status = :#TaskToStatus, result = :#TaskResult, lease_until = NULL,
       transition_node = :#TaskNode, transition_reason = NULL, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND attempts = :#TaskAttempt
