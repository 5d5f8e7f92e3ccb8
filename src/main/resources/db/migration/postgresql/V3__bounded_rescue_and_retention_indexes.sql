-- The rescue and retention statements touch at most a batch of rows per run, oldest first; this
-- index finds them without reading the table: stale pending tasks (status 'pending', updated_at),
-- tasks to archive ('completed'/'cancelled') and to purge ('archived'). Expired leases use
-- tasks_running_lease, unpublished tasks tasks_unpublished (V1).
CREATE INDEX tasks_status_updated ON tasks (status, updated_at);
