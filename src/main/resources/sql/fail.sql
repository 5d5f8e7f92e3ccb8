-- running -> failed, fenced like completion
UPDATE tasks
   SET status = :#TaskToStatus, last_error = :#TaskError, lease_until = NULL,
       transition_node = :#TaskNode, transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND fence = :#TaskFence
