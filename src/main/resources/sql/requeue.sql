-- failed -> pending: a retry, redelivered by the broker at run_at
UPDATE tasks
   SET status = :#TaskToStatus, run_at = :#TaskRunAt, owner = NULL, published = TRUE,
       transition_node = :#TaskNode, transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus
