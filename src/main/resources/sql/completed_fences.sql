-- which of a batch of completions took effect: a task completed by exactly that attempt
SELECT CAST(id AS VARCHAR(36)) AS id, fence FROM tasks
 WHERE id IN (:#in:TaskIds) AND status = 'completed'
