SELECT status FROM tasks WHERE id = CAST(:#TaskId AS UUID)
