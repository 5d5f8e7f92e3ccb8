package io.taskqueue.task;

/** Input that cannot become a task; it names the offending field. Nothing is stored for it. */
public class InvalidTaskException extends RuntimeException {

  private final String field;
  private final int status;

  public InvalidTaskException(String field, String message) {
    this(field, message, 400);
  }

  public InvalidTaskException(String field, String message, int status) {
    super(message);
    this.field = field;
    this.status = status;
  }

  /** The JSON field at fault, or null when the input as a whole is wrong. */
  public String field() {
    return field;
  }

  /** The HTTP status this error answers with (400, or 413 for a payload over the limit). */
  public int status() {
    return status;
  }
}
