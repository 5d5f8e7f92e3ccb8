package io.taskqueue.api.schema;

/** OpenAPI shape. A task. */
public class Task {
  public String id;
  public String type;
  public String group;
  public String status;
  public Integer priority;
  public Integer attempts;
  public Integer maxAttempts;
  public Object payload;
  public Object result;
  public String error;

  /**
   * The class of the latest handler failure: validation, transient, database, business or system
   * (kept like {@code error}); null when the task never failed.
   */
  public String errorClass;

  public String runAt;
  public String idempotencyKey;
  public String createdAt;
  public String updatedAt;
}
