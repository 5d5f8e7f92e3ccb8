package io.taskqueue.api.schema;

/**
 * OpenAPI shape. The answer to an enqueue: 202 when created, 200 when the idempotency key named it
 * already.
 */
public class Accepted {
  public String id;
  public String status;
  public String group;
}
