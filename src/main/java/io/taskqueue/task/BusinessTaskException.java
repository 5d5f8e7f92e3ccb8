package io.taskqueue.task;

/** A business rule refused the task; not retried unless the group's retry policy says so. */
public class BusinessTaskException extends RuntimeException {

  public BusinessTaskException(String message) {
    super(message);
  }

  public BusinessTaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
