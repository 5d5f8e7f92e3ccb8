package io.taskqueue.api.schema;

/** OpenAPI shape. A task to enqueue: the body of {@code POST /api/tasks}, an element of a batch. */
public class TaskInput {
  /** Task type, lower case letters, digits, '.', '_', '-'; it selects the handler. */
  public String type;

  /** Any JSON value, stored and handed to the handler exactly as sent. */
  public Object payload;

  /** 0 to 9, higher first; default 4. */
  public Integer priority;

  /** A configured group; default: the routing rules on the type. */
  public String group;

  /** ISO-8601 timestamp with offset: not run before then (at most run-at-horizon ahead). */
  public String runAt;

  /** 1 to 100; default: the group's retry.max-attempts. */
  public Integer maxAttempts;

  /** Makes a retried request return the first task (same request) or 409 (different one). */
  public String idempotencyKey;
}
