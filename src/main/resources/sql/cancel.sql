-- pending -> cancelled (also a delayed task): its queued message is skipped when it arrives, since
-- the worker only acquires pending tasks
UPDATE tasks
   SET status = :#TaskToStatus, owner = NULL, lease_until = NULL, transition_node = :#TaskNode,
       transition_reason = :#TaskReason, updated_at = :#TaskNow
 WHERE id = CAST(:#TaskId AS UUID) AND status = :#TaskFromStatus
