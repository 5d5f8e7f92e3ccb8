-- running -> pending for tasks whose lease expired (their node died or froze) and that have
-- attempts left; spent ones are dead-lettered one by one (expire_lease.sql). At most :#TaskLimit
-- rows per run, oldest lease first, found through the partial index tasks_running_lease; SKIP
-- LOCKED lets several nodes rescue side by side. The batch is a CTE on purpose: PostgreSQL may
-- re-run an "id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)" subquery for every candidate row,
-- skipping the rows it has just locked and so updating far more than n. published = FALSE until
-- the message is resent. 'running' is a literal so that the partial index's predicate matches even
-- in a generic (prepared) plan.
WITH batch AS (
  SELECT id FROM tasks
   WHERE status = 'running' AND lease_until < :#TaskNow AND attempts < max_attempts
   ORDER BY lease_until
   LIMIT :#TaskLimit
     FOR UPDATE SKIP LOCKED)
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, published = FALSE,
       transition_node = :#TaskNode, transition_reason = 'lease expired', updated_at = :#TaskNow
  FROM batch
 WHERE tasks.id = batch.id
