-- Pauses or resumes a group for every node.
MERGE INTO group_control (resource_group, paused, changed_at, changed_by)
  KEY (resource_group)
VALUES (:#TaskGroup, :#GroupPaused, :#TaskNow, :#GroupChangedBy)
