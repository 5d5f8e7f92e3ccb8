-- the current status of a batch of tasks whose delivery could not be acquired
SELECT CAST(id AS VARCHAR(36)) AS id, status FROM tasks WHERE id IN (:#in:TaskIds)
