-- running -> pending for tasks whose lease expired (their node died or froze) and that have
-- attempts left; spent ones are dead-lettered one by one (expire_lease.sql). At most :#TaskLimit
-- rows per run, found through the partial index tasks_running_lease; SKIP LOCKED lets several
-- nodes rescue side by side, and the outer conditions keep each rescue atomic. published = FALSE
-- until the message is resent.
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, published = FALSE,
       transition_node = :#TaskNode, transition_reason = 'lease expired', updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE status = :#TaskFromStatus AND lease_until < :#TaskNow
                 AND attempts < max_attempts
               ORDER BY lease_until
               LIMIT :#TaskLimit
                 FOR UPDATE SKIP LOCKED)
   AND status = :#TaskFromStatus AND lease_until < :#TaskNow AND attempts < max_attempts
