package io.taskqueue.api.schema;

/** OpenAPI shape. One state transition of a task. */
public class TaskTransition {
  public String from;
  public String to;
  public String at;
  public String node;
  public String reason;

  /**
   * The error class of the failure this transition recorded ({@code running -> failed}, or {@code
   * running -> completed} for a business failure completed with an error result); else null.
   */
  public String errorClass;
}
