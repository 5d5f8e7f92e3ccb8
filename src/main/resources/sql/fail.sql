-- running -> failed, fenced like completion; error_class (the failure's class) stays on the task,
-- like last_error, until the next failure, and the history trigger copies it into this row
UPDATE tasks
   SET status = :#TaskToStatus, last_error = :#TaskError, error_class = :#TaskErrorClass,
       lease_until = NULL,
       transition_node = :#TaskNode, transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND fence = :#TaskFence
