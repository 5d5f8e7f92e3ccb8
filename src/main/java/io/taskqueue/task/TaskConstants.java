package io.taskqueue.task;

/**
 * Names of the Camel headers (and so JMS properties) the task flow uses. They all start with {@code
 * Task}; ingress routes remove any header of that prefix a client sent, so input can never steer
 * the flow.
 */
public final class TaskConstants {

  public static final String PREFIX = "Task";
  public static final String ID = "TaskId";

  /** A batch handler's header: the attempt of each task, in the order of {@link #IDS}. */
  public static final String ATTEMPTS = "TaskAttempts";

  /** A batch handler's header: how many tasks the batch holds. */
  public static final String BATCH_SIZE = "TaskBatchSize";

  /** A batch step's task ids ({@code java.util.UUID}s), bound as {@code :#in:TaskIds}. */
  public static final String IDS = "TaskIds";

  public static final String TYPE = "TaskType";
  public static final String GROUP = "TaskGroup";
  public static final String PRIORITY = "TaskPriority";
  public static final String MAX_ATTEMPTS = "TaskMaxAttempts";

  /** The attempt this delivery runs as (1 for the first run); fences completion. */
  public static final String ATTEMPT = "TaskAttempt";

  /**
   * The fencing token of this attempt: a number incremented by every acquire and never reset, so
   * complete, fail, heartbeat and release of an older attempt (even one from before a redrive)
   * change nothing.
   */
  public static final String FENCE = "TaskFence";

  public static final String RUN_AT = "TaskRunAt";
  public static final String IDEMPOTENCY_KEY = "TaskIdempotencyKey";
  public static final String PAYLOAD = "TaskPayload";
  public static final String RESULT = "TaskResult";
  public static final String NODE = "TaskNode";
  public static final String NOW = "TaskNow";
  public static final String LEASE_UNTIL = "TaskLeaseUntil";
  public static final String REASON = "TaskReason";
  public static final String FROM_STATUS = "TaskFromStatus";
  public static final String TO_STATUS = "TaskToStatus";
  public static final String ERROR = "TaskError";
  public static final String ERROR_KIND = "TaskErrorKind";

  /**
   * The failure's error class ({@code validation}, {@code transient}, {@code database}, {@code
   * business}, {@code system}): the {@code error_class} the fail (and a business complete) writes.
   */
  public static final String ERROR_CLASS = "TaskErrorClass";

  public static final String RETRY = "TaskRetry";

  /** The name of a lifecycle event sent to the {@code taskqueue.events} topic. */
  public static final String EVENT = "TaskEvent";

  public static final String ACQUIRED = "TaskAcquired";
  public static final String CURRENT_STATUS = "TaskCurrentStatus";
  public static final String LIMIT = "TaskLimit";
  public static final String CUTOFF = "TaskCutoff";

  /** Artemis' scheduled delivery property: epoch millis before which the broker holds a message. */
  public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

  /** Header JMS gives redelivered messages, starting at 1. */
  public static final String DELIVERY_COUNT = "JMSXDeliveryCount";

  private TaskConstants() {}
}
