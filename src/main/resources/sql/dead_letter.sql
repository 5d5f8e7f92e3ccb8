-- failed -> dead_letter: out of attempts, or a failure that must not be retried
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, transition_node = :#TaskNode,
       transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus
