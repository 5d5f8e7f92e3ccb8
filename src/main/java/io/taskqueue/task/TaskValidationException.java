package io.taskqueue.task;

/** The task's own input is wrong; a handler throws this and the task is not retried. */
public class TaskValidationException extends RuntimeException {

  public TaskValidationException(String message) {
    super(message);
  }

  public TaskValidationException(String message, Throwable cause) {
    super(message, cause);
  }
}
