-- Serialises the cluster-wide throttle of one group until the transaction ends, so that the count
-- and the grant that follow (throttle_permit) see every grant committed before.
SELECT pg_advisory_xact_lock(hashtext('taskqueue.throttle.' || :#TaskGroup))
