package io.taskqueue.task;

/**
 * What a business failure ({@link TaskFailureKind#BUSINESS}) of a task type does: {@code
 * taskqueue.types[<type>].business}. Unset, the group's {@code retry.retry-business} decides
 * ({@code true}: retry, {@code false}: dead-letter).
 */
public enum BusinessPolicy {
  /** Retried with the group's backoff, like a transient failure, until out of attempts. */
  RETRY,
  /** Dead-lettered at once ({@code running -> failed -> dead_letter}). */
  DEAD_LETTER,
  /**
   * The task ends {@code completed}, its result {@code {"error": "<message>", "errorClass":
   * "business"}}: the refusal is the answer, nobody needs to redrive it.
   */
  COMPLETE
}
