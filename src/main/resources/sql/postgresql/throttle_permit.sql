-- One handler call of a group's cluster-wide throttle, granted (a row back) while fewer than
-- :#ThrottleMax calls were granted in the period before :#ThrottleNow; no row: wait and ask again.
INSERT INTO throttle_grant (resource_group, granted_at)
SELECT :#TaskGroup, :#ThrottleNow
 WHERE (SELECT COUNT(*) FROM throttle_grant
         WHERE resource_group = :#TaskGroup AND granted_at > :#ThrottleSince) < :#ThrottleMax
RETURNING granted_at
