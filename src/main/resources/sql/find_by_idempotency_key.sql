-- the task a repeated idempotency key stands for
SELECT CAST(id AS VARCHAR(36)) AS id, status, resource_group AS "group",
       request_hash AS "requestHash"
  FROM tasks WHERE idempotency_key = :#TaskIdempotencyKey
