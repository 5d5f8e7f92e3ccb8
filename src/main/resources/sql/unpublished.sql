-- pending tasks whose message is not known to be on the broker
SELECT id, type, resource_group, priority, run_at
  FROM tasks
 WHERE status = 'pending' AND published = FALSE
 ORDER BY priority DESC, id
 LIMIT :#TaskLimit
