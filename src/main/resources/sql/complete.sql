-- running -> completed, fenced: an attempt whose lease was rescued, or one from before a redrive,
-- updates nothing. A success binds NULL error, error class and reason (the last failure's error and
-- class stay, like last_error); a business failure completed by its type's policy binds its
-- message, 'business' and a reason, which the history trigger copies into this row
UPDATE tasks
   SET status = :#TaskToStatus, result = :#TaskResult, lease_until = NULL,
       last_error = COALESCE(:#TaskError, last_error),
       error_class = COALESCE(:#TaskErrorClass, error_class),
       transition_node = :#TaskNode, transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND fence = :#TaskFence
