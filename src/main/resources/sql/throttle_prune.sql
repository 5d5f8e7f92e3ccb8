-- Grants of a group's cluster-wide throttle older than its window.
DELETE FROM throttle_grant WHERE resource_group = :#TaskGroup AND granted_at < :#ThrottleSince
