-- dead_letter -> pending, a manual redrive: a full set of attempts again (attempts back to 0; the
-- fence is never reset, so no attempt from before the redrive can touch the task again), to run
-- now. published = FALSE until the message is sent, so the rescue resends it after a crash between
-- this commit and the send.
UPDATE tasks
   SET status = :#TaskToStatus, attempts = 0, run_at = NULL, owner = NULL, lease_until = NULL,
       published = FALSE, transition_node = :#TaskNode, transition_reason = :#TaskReason,
       updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus
