-- running -> pending without spending an attempt (attempts - 1), to run again at :#TaskRunAt: the
-- group's circuit was open when the handler was due. Fenced. Its message is sent after this commits
-- (published = FALSE until then), so the rescue resends it if the send never happens.
UPDATE tasks
   SET status = :#TaskToStatus, attempts = attempts - 1, run_at = :#TaskRunAt, owner = NULL,
       lease_until = NULL, published = FALSE, transition_node = :#TaskNode,
       transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND fence = :#TaskFence
