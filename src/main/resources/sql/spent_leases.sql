-- running tasks whose lease expired with no attempt left: each goes running -> failed ->
-- dead_letter on its own (expire_lease.sql, dead_letter.sql), at most :#TaskLimit per run
SELECT CAST(id AS VARCHAR(36)) AS id, type, resource_group, attempts, max_attempts
  FROM tasks
 WHERE status = 'running' AND lease_until < :#TaskNow AND attempts >= max_attempts
 ORDER BY lease_until
 LIMIT :#TaskLimit
