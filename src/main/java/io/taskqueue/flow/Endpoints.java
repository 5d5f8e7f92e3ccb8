package io.taskqueue.flow;

/**
 * Every internal endpoint of the task flow, named once: the route that consumes it and every caller
 * use these constants. Grouped by the RouteBuilder that consumes them; {@code direct:enqueue} and
 * {@code direct:enqueue-batch} are also the documented entry points for handler routes.
 */
public final class Endpoints {

  // Enqueue (EnqueueRoute)
  /**
   * One task request (a map or JSON object) in, {id, status, group} out; for handlers and ingress.
   */
  public static final String ENQUEUE = "direct:enqueue";

  /**
   * A list of task requests in, a list of {id, status, group} out: the one enqueue every ingress
   * uses.
   */
  public static final String ENQUEUE_BATCH = "direct:enqueue-batch";

  /** Validated requests of one call, handed to the group commit. */
  public static final String ENQUEUE_REQUESTS = "direct:enqueue-requests";

  /** One request: id, group (content-based router), defaults; the row to insert. */
  public static final String PREPARE_TASK = "direct:prepare-task";

  /** The group commit: the rows of several concurrent calls, stored and published together. */
  public static final String ENQUEUE_GROUP = "direct:enqueue-group";

  /** The group's JDBC batch insert, inside its database transaction. */
  public static final String PERSIST_GROUP = "direct:persist-group";

  /** Rows refused by an idempotency key: the existing tasks, answered instead. */
  public static final String REPEATED_TASKS = "direct:repeated-tasks";

  // Ingress (IngressRoute)
  /** A JMS inbox message: one task or a JSON array. */
  public static final String INGRESS_MESSAGE = "direct:ingress-message";

  /** A file from the inbox folder. */
  public static final String INGRESS_FILE = "direct:ingress-file";

  /** A .json file's content, enqueued as one batch. */
  public static final String INGRESS_FILE_CONTENT = "direct:ingress-file-content";

  /** An .ndjson file, read line by line in chunks. */
  public static final String INGRESS_NDJSON = "direct:ingress-ndjson";

  // Broker sends (PublishRoute)
  /**
   * A task's message to its group queue, committed on its own or after the surrounding transaction.
   */
  public static final String PUBLISH = "direct:publish";

  /**
   * The same through the enqueue's connection factory, committed by BrokerSends before the
   * database.
   */
  public static final String PUBLISH_ENQUEUED = "direct:publish-enqueued";

  /** One lifecycle event (header TaskEvent), queued and sent in batches. */
  public static final String TASK_EVENT = "direct:task-event";

  /** The same event for a list of tasks. */
  public static final String TASK_EVENTS = "direct:task-events";

  // Workers (WorkerRoute)
  /** One acquired attempt: the handler, then its result. */
  public static final String EXECUTE = "direct:execute";

  /** The handler call with its timeout; dead-letter channel task-failure. */
  public static final String RUN_HANDLER = "direct:run-handler";

  /** The handler call of one group's task, behind the group's circuit breaker. */
  public static String runHandler(String group) {
    return RUN_HANDLER + "-" + group;
  }

  /** Waits for the group's throttle to admit one more handler call. */
  public static String admit(String group) {
    return "direct:admit-" + group;
  }

  /** An attempt short-circuited by an open circuit: back to pending, attempt not spent. */
  public static final String POSTPONE = "direct:postpone";

  /** A successful attempt's result, handed to Completions. */
  public static final String COMPLETE = "direct:complete";

  /** One fenced JDBC batch of results (Completions). */
  public static final String COMPLETE_BATCH = "direct:complete-batch";

  /** The tasks of a short update count, resolved one by one. */
  public static final String COMPLETED_FENCES = "direct:completed-fences";

  /** An acquired attempt handed back to pending (a draining node). */
  public static final String RELEASE = "direct:release";

  /**
   * A message whose task row is missing: dropped only when no open transaction can still create it.
   */
  public static final String UNKNOWN_TASK = "direct:unknown-task";

  // Failures (FailureRoute)
  /** A failed attempt: classified, then retried or dead-lettered. */
  public static final String TASK_FAILURE = "direct:task-failure";

  /** One transaction for a batch of failures (Failures): a JDBC batch per statement. */
  public static final String FAIL_BATCH = "direct:fail-batch";

  /** After a retry's commit: its message, then published = TRUE. */
  public static final String RETRY_PUBLISH = "direct:retry-publish";

  /** One retry's database transaction, alone (after a batch with an attempt fenced out). */
  public static final String RETRY_WRITE = "direct:retry-write";

  /** After a dead letter's commit: its event and its notice on the group's DLQ. */
  public static final String DEAD_LETTER_NOTICE = "direct:dead-letter-notice";

  /** One dead letter's database transaction, alone (after a batch with an attempt fenced out). */
  public static final String DEAD_LETTER_WRITE = "direct:dead-letter-write";

  // Leases and timers (HeartbeatRoute, RescueRoute, RetentionRoute)
  /** Renews the leases of the running attempts. */
  public static final String HEARTBEAT = "direct:heartbeat";

  /** One JDBC batch of lease renewals. */
  public static final String HEARTBEAT_BATCH = "direct:heartbeat-batch";

  /** Expired leases back to pending; unpublished tasks resent. */
  public static final String RESCUE = "direct:rescue";

  /** An expired lease whose attempts are spent: dead-lettered. */
  public static final String RESCUE_DEAD_LETTER = "direct:rescue-dead-letter";

  /** Unpublished pending tasks sent, then marked published. */
  public static final String REPUBLISH = "direct:republish";

  /** Archives and purges finished tasks. */
  public static final String RETENTION = "direct:retention";

  // Group control (GroupControlRoute)
  /** Reads every group's pause flag and circuit state. */
  public static final String GROUP_CONTROL_POLL = "direct:group-control-poll";

  /** Pauses or resumes a group (headers TaskGroup, GroupPaused, GroupChangedBy). */
  public static final String PAUSE_GROUP = "direct:pause-group";

  /** Persists a state change of this node's circuit breaker of a group. */
  public static final String CIRCUIT_STATE_SAVE = "direct:circuit-state-save";

  /** One permit of a group's cluster-wide throttle (PostgreSQL). */
  public static final String THROTTLE_PERMIT = "direct:throttle-permit";

  /** Deletes the cluster-wide throttle's past windows. */
  public static final String THROTTLE_PRUNE = "direct:throttle-prune";

  // Commands (CommandRoute)
  /** Pending -> cancelled; body the task id, answer a CommandOutcome. */
  public static final String CANCEL = "direct:cancel";

  /** Dead_letter -> pending; body the task id, answer a CommandOutcome. */
  public static final String REDRIVE = "direct:redrive";

  // Bulk commands on a group (BulkCommandRoute)
  /**
   * Dead_letter -> pending for a group's filtered dead letters; body a BulkRequest, answer a count.
   */
  public static final String BULK_REDRIVE = "direct:bulk-redrive";

  /**
   * Pending -> cancelled for a group's filtered pending tasks; body a BulkRequest, answer a count.
   */
  public static final String BULK_CANCEL = "direct:bulk-cancel";

  /** Deletes a group's filtered finished tasks; body a BulkRequest, answer a count. */
  public static final String BULK_PURGE = "direct:bulk-purge";

  /** One chunk of a bulk redrive after its commit: messages sent, then published, events. */
  public static final String BULK_REDRIVE_PUBLISH = "direct:bulk-redrive-publish";

  private Endpoints() {}
}
