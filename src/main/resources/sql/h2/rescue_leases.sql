-- running -> pending for tasks whose lease expired and that have attempts left (see
-- sql/postgresql/rescue_leases.sql); at most :#TaskLimit rows per run, through the index
-- tasks_running_lease. H2 has no SKIP LOCKED in a subquery: the outer conditions keep it atomic.
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, published = FALSE,
       transition_node = :#TaskNode, transition_reason = 'lease expired', updated_at = :#TaskNow
 WHERE id IN (SELECT id FROM tasks
               WHERE status = 'running' AND lease_until < :#TaskNow
                 AND attempts < max_attempts
               ORDER BY lease_until
               LIMIT :#TaskLimit)
   AND status = 'running' AND lease_until < :#TaskNow AND attempts < max_attempts
