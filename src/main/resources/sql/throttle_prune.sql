-- Past windows of a group's cluster-wide throttle.
DELETE FROM throttle_window WHERE resource_group = :#TaskGroup AND window_start < :#ThrottleWindow
