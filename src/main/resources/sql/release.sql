-- running -> pending without spending an attempt (attempts - 1): the attempt never ran its handler
-- to an outcome (no handler route on this node, or the node shut down past its grace period).
-- Fenced. published = FALSE: the rescue resends the message unless the broker redelivers it first
-- (a second message is harmless, the acquire compare-and-set skips it).
UPDATE tasks
   SET status = :#TaskToStatus, attempts = attempts - 1, owner = NULL, lease_until = NULL,
       published = FALSE, transition_node = :#TaskNode, transition_reason = :#TaskReason,
       updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND fence = :#TaskFence
