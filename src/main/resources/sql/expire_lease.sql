-- running -> failed for an attempt whose lease expired with no attempt left. Fenced by the attempt
-- number and the expired lease: a heartbeat that renewed the lease meanwhile, or another node's
-- rescue, leaves 0 rows and nothing happens. A spent lease is no handler error: no error class.
UPDATE tasks
   SET status = :#TaskToStatus, last_error = 'lease expired', error_class = NULL, lease_until = NULL,
       transition_node = :#TaskNode, transition_reason = 'lease expired', updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus AND attempts = :#TaskAttempt
   AND lease_until < :#TaskNow
