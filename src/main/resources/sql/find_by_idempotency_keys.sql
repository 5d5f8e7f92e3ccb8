-- the tasks some idempotency keys stand for: after a JDBC batch of inserts came up short, which
-- rows were inserted (their id is the one just assigned) and which keys were stored already
SELECT CAST(id AS VARCHAR(36)) AS id, idempotency_key AS "key", status,
       resource_group AS "group", request_hash AS "requestHash"
  FROM tasks WHERE idempotency_key IN (:#in:TaskIdempotencyKeys)
