-- A running attempt renews its lease (no status change, no history row). Fenced: 0 rows means the
-- attempt lost its task (rescued, or released) and must not renew it.
UPDATE tasks
   SET lease_until = :#TaskLeaseUntil
 WHERE id = CAST(:#TaskId AS UUID) AND status = 'running' AND fence = :#TaskFence
