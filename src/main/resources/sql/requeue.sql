-- failed -> pending: a retry, redelivered by the broker at run_at. Its message is sent after this
-- commits (published = FALSE until then), so a crash or a broker failure in between leaves the
-- task to the rescue, which resends it
UPDATE tasks
   SET status = :#TaskToStatus, run_at = :#TaskRunAt, owner = NULL, published = FALSE,
       transition_node = :#TaskNode, transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus
