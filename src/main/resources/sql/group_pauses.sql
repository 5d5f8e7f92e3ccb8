-- Every paused or resumed group, polled by each node (GroupControlRoute).
SELECT resource_group, paused, changed_at, changed_by FROM group_control
