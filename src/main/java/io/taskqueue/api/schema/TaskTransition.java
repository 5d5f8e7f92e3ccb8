package io.taskqueue.api.schema;

/** OpenAPI shape. One state transition of a task. */
public class TaskTransition {
  public String from;
  public String to;
  public String at;
  public String node;
  public String reason;
}
