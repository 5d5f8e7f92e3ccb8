-- running -> pending for every task whose lease expired (its node died or froze). One atomic
-- UPDATE: with many nodes each task is rescued once. published = FALSE until it is resent.
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, published = FALSE,
       transition_node = :#TaskNode, transition_reason = 'lease expired', updated_at = :#TaskNow
 WHERE status = :#TaskFromStatus AND lease_until < :#TaskNow
