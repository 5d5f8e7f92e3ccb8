-- One permit of a group's cluster-wide throttle in the window starting at :#ThrottleWindow;
-- a row back means granted, none means the window's permits are used up.
INSERT INTO throttle_window (resource_group, window_start, used)
VALUES (:#TaskGroup, :#ThrottleWindow, 1)
ON CONFLICT (resource_group, window_start) DO UPDATE
   SET used = throttle_window.used + 1
 WHERE throttle_window.used < :#ThrottleMax
RETURNING used
