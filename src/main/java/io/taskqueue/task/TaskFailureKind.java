package io.taskqueue.task;

/** How a handler failure is treated. */
public enum TaskFailureKind {
  /** The task's input is wrong: retrying cannot help, it goes straight to the dead-letter queue. */
  VALIDATION(false),
  /** A passing fault (timeout, unavailable service): retried with backoff. */
  TRANSIENT(true),
  /** A business rule said no: dead-lettered unless the group's retry policy retries it. */
  BUSINESS(false),
  /** Anything unclassified: retried with backoff, and logged as an error. */
  SYSTEM(true);

  private final boolean retriedByDefault;

  TaskFailureKind(boolean retriedByDefault) {
    this.retriedByDefault = retriedByDefault;
  }

  /**
   * Whether a failure of this kind says something about the downstream and counts against the
   * group's circuit: transient and system do; validation and business failures do not.
   */
  public boolean countsAgainstCircuit() {
    return this == TRANSIENT || this == SYSTEM;
  }

  public boolean retriedByDefault() {
    return retriedByDefault;
  }

  /** Classifies an exception thrown by a handler route. */
  public static TaskFailureKind of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof TaskValidationException) {
        return VALIDATION;
      }
      if (t instanceof BusinessTaskException) {
        return BUSINESS;
      }
      if (t instanceof TransientTaskException
          || t instanceof java.io.IOException
          || t instanceof java.util.concurrent.TimeoutException) {
        return TRANSIENT;
      }
    }
    return SYSTEM;
  }
}
