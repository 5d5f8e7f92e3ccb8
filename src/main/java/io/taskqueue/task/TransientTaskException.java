package io.taskqueue.task;

/** A passing fault; the task is retried with exponential backoff. */
public class TransientTaskException extends RuntimeException {

  public TransientTaskException(String message) {
    super(message);
  }

  public TransientTaskException(String message, Throwable cause) {
    super(message, cause);
  }
}
