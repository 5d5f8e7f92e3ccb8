-- Pauses or resumes a group for every node.
INSERT INTO group_control (resource_group, paused, changed_at, changed_by)
VALUES (:#TaskGroup, :#GroupPaused, :#TaskNow, :#GroupChangedBy)
ON CONFLICT (resource_group) DO UPDATE
   SET paused = EXCLUDED.paused, changed_at = EXCLUDED.changed_at,
       changed_by = EXCLUDED.changed_by
