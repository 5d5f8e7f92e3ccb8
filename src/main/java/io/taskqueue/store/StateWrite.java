package io.taskqueue.store;

import static io.taskqueue.task.TaskConstants.ATTEMPT;
import static io.taskqueue.task.TaskConstants.CUTOFF;
import static io.taskqueue.task.TaskConstants.ERROR;
import static io.taskqueue.task.TaskConstants.ERROR_CLASS;
import static io.taskqueue.task.TaskConstants.FENCE;
import static io.taskqueue.task.TaskConstants.FROM_STATUS;
import static io.taskqueue.task.TaskConstants.GROUP;
import static io.taskqueue.task.TaskConstants.ID;
import static io.taskqueue.task.TaskConstants.IDEMPOTENCY_KEY;
import static io.taskqueue.task.TaskConstants.IDS;
import static io.taskqueue.task.TaskConstants.LEASE_UNTIL;
import static io.taskqueue.task.TaskConstants.LIMIT;
import static io.taskqueue.task.TaskConstants.MAX_ATTEMPTS;
import static io.taskqueue.task.TaskConstants.NODE;
import static io.taskqueue.task.TaskConstants.NOW;
import static io.taskqueue.task.TaskConstants.PAYLOAD;
import static io.taskqueue.task.TaskConstants.PRIORITY;
import static io.taskqueue.task.TaskConstants.REASON;
import static io.taskqueue.task.TaskConstants.RESULT;
import static io.taskqueue.task.TaskConstants.RUN_AT;
import static io.taskqueue.task.TaskConstants.TO_STATUS;
import static io.taskqueue.task.TaskConstants.TYPE;
import static io.taskqueue.task.TaskStatus.ARCHIVED;
import static io.taskqueue.task.TaskStatus.CANCELLED;
import static io.taskqueue.task.TaskStatus.COMPLETED;
import static io.taskqueue.task.TaskStatus.FAILED;
import static io.taskqueue.task.TaskStatus.PENDING;
import static io.taskqueue.task.TaskStatus.RUNNING;

import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one table of every statement that writes the {@code tasks} table: its SQL file, the
 * transition it makes (checked against {@link TaskStatus}' table; none for a write that changes no
 * status) and the parameters it binds ({@code :#Name}, {@code :#in:Name} as {@code in:Name}).
 * {@link StateWrites} checks the table against the files at start-up and names the endpoints:
 *
 * <pre>{@code
 * .process(StateWrite.CANCEL.transition())   // pending -> cancelled: TaskFromStatus, TaskToStatus
 * .to(writes.uri(StateWrite.CANCEL))         // sql:classpath:sql/cancel.sql
 * }</pre>
 *
 * <p>A new statement that writes {@code tasks} gets an entry here, or the application refuses to
 * start (the message says what to add). Reads are not listed: they change nothing.
 */
public enum StateWrite {
  // file, where, from, to (null, null: no status change), parameters

  /** {@code (none) -> pending}: a new task (0 rows for a repeated idempotency key). */
  INSERT_TASK(
      "insert_task",
      Where.PORTABLE,
      null,
      PENDING,
      ID,
      TYPE,
      GROUP,
      PAYLOAD,
      TO_STATUS,
      PRIORITY,
      MAX_ATTEMPTS,
      RUN_AT,
      IDEMPOTENCY_KEY,
      NODE,
      REASON,
      NOW,
      // EnqueueRoute's header of the request's hash, which TaskConstants does not name
      "TaskRequestHash"),

  /**
   * {@code pending -> running} for a batch of delivered tasks ({@code :#in:TaskIds}): the
   * compare-and-set that lets one delivery run each task.
   */
  ACQUIRE(
      "acquire",
      Where.PER_DIALECT,
      PENDING,
      RUNNING,
      "in:" + IDS,
      FROM_STATUS,
      TO_STATUS,
      NODE,
      LEASE_UNTIL,
      NOW),

  /** {@code running -> completed}, fenced. */
  COMPLETE(
      "complete",
      Where.PORTABLE,
      RUNNING,
      COMPLETED,
      ID,
      FROM_STATUS,
      TO_STATUS,
      FENCE,
      RESULT,
      // all three null for a success; set when a business failure completes (policy complete)
      ERROR,
      ERROR_CLASS,
      REASON,
      NODE,
      NOW),

  /** {@code running -> failed}, fenced: a handler failure. */
  FAIL(
      "fail",
      Where.PORTABLE,
      RUNNING,
      FAILED,
      ID,
      FROM_STATUS,
      TO_STATUS,
      FENCE,
      ERROR,
      ERROR_CLASS,
      NODE,
      REASON,
      NOW),

  /** {@code failed -> pending}: a retry at {@code TaskRunAt}. */
  REQUEUE(
      "requeue",
      Where.PORTABLE,
      FAILED,
      PENDING,
      ID,
      FROM_STATUS,
      TO_STATUS,
      RUN_AT,
      NODE,
      REASON,
      NOW),

  /** {@code failed -> dead_letter}: out of attempts, or not to be retried. */
  DEAD_LETTER(
      "dead_letter",
      Where.PORTABLE,
      FAILED,
      TaskStatus.DEAD_LETTER,
      ID,
      FROM_STATUS,
      TO_STATUS,
      NODE,
      REASON,
      NOW),

  /** {@code running -> pending} without spending the attempt, fenced. */
  RELEASE(
      "release",
      Where.PORTABLE,
      RUNNING,
      PENDING,
      ID,
      FROM_STATUS,
      TO_STATUS,
      FENCE,
      NODE,
      REASON,
      NOW),

  /**
   * {@code running -> pending} without spending the attempt, to run at {@code TaskRunAt}: the
   * group's circuit was open when the handler was due. Fenced.
   */
  POSTPONE(
      "postpone",
      Where.PORTABLE,
      RUNNING,
      PENDING,
      ID,
      FROM_STATUS,
      TO_STATUS,
      FENCE,
      RUN_AT,
      NODE,
      REASON,
      NOW),

  /** {@code pending -> cancelled}: an operator's cancel ({@code direct:cancel}). */
  CANCEL(
      "cancel", Where.PORTABLE, PENDING, CANCELLED, ID, FROM_STATUS, TO_STATUS, NODE, REASON, NOW),

  /** {@code dead_letter -> pending}: an operator's redrive ({@code direct:redrive}). */
  REDRIVE(
      "redrive",
      Where.PORTABLE,
      TaskStatus.DEAD_LETTER,
      PENDING,
      ID,
      FROM_STATUS,
      TO_STATUS,
      NODE,
      REASON,
      NOW),

  /**
   * {@code dead_letter -> pending} for up to {@code TaskLimit} dead letters of a group, filtered by
   * type and a window on {@code updated_at}: an operator's bulk redrive ({@code
   * direct:bulk-redrive}); returns the rows it changed, to be published.
   */
  BULK_REDRIVE(
      "bulk_redrive",
      Where.PER_DIALECT,
      TaskStatus.DEAD_LETTER,
      PENDING,
      GROUP,
      TYPE,
      FROM_STATUS,
      TO_STATUS,
      // BulkCommandRoute's headers of the window, which TaskConstants does not name
      "TaskBulkFrom",
      "TaskBulkTo",
      LIMIT,
      NODE,
      REASON,
      NOW),

  /**
   * {@code pending -> cancelled} for up to {@code TaskLimit} pending tasks of a group, filtered by
   * type and a window on {@code created_at}: an operator's bulk cancel ({@code
   * direct:bulk-cancel}).
   */
  BULK_CANCEL(
      "bulk_cancel",
      Where.PER_DIALECT,
      PENDING,
      CANCELLED,
      GROUP,
      TYPE,
      FROM_STATUS,
      TO_STATUS,
      "TaskBulkFrom",
      "TaskBulkTo",
      LIMIT,
      NODE,
      REASON,
      NOW),

  /** {@code running -> failed}: the lease of the last attempt expired (the rescue). */
  EXPIRE_LEASE(
      "expire_lease",
      Where.PORTABLE,
      RUNNING,
      FAILED,
      ID,
      FROM_STATUS,
      TO_STATUS,
      ATTEMPT,
      NODE,
      NOW),

  /**
   * {@code running -> pending} for up to {@code TaskLimit} expired leases with attempts left (the
   * rescue); {@code 'running'} is a literal in the file so the partial index matches.
   */
  RESCUE_LEASES("rescue_leases", Where.PER_DIALECT, RUNNING, PENDING, TO_STATUS, LIMIT, NODE, NOW),

  /** {@code completed -> archived} after the retention period (the file serves both sources). */
  ARCHIVE_COMPLETED(
      "archive",
      Where.PER_DIALECT,
      COMPLETED,
      ARCHIVED,
      FROM_STATUS,
      TO_STATUS,
      CUTOFF,
      LIMIT,
      NODE,
      NOW),

  /** {@code cancelled -> archived} after the retention period. */
  ARCHIVE_CANCELLED(
      "archive",
      Where.PER_DIALECT,
      CANCELLED,
      ARCHIVED,
      FROM_STATUS,
      TO_STATUS,
      CUTOFF,
      LIMIT,
      NODE,
      NOW),

  /** Deletes archived tasks past {@code retention.purge-after} (no transition: the row goes). */
  PURGE("purge", Where.PER_DIALECT, null, null, CUTOFF, LIMIT),

  /**
   * Deletes up to {@code TaskLimit} finished tasks of a group in the given states, filtered by type
   * and a window on {@code updated_at}: an operator's bulk purge ({@code direct:bulk-purge}); no
   * transition, the row goes (with its history).
   */
  BULK_PURGE(
      "bulk_purge",
      Where.PER_DIALECT,
      null,
      null,
      GROUP,
      TYPE,
      "in:TaskBulkStatuses",
      "TaskBulkFrom",
      "TaskBulkTo",
      LIMIT),

  /** A running attempt renews its lease, fenced; no status change. */
  HEARTBEAT("heartbeat", Where.PORTABLE, null, null, ID, FENCE, LEASE_UNTIL),

  /** The task's message was sent; no status change. */
  MARK_PUBLISHED("mark_published", Where.PORTABLE, null, null, ID),

  /**
   * Pending tasks untouched for too long are marked unpublished, to be resent; no status change.
   */
  STALE_PENDING("stale_pending", Where.PER_DIALECT, null, null, CUTOFF, LIMIT, NOW);

  /** Where the SQL file of an entry lives. */
  public enum Where {
    /** {@code sql/<file>.sql}, one statement for every database. */
    PORTABLE,
    /** {@code sql/<dialect>/<file>.sql}, one per database ({@link StoreDialect#name()}). */
    PER_DIALECT
  }

  private final String file;
  private final Where where;
  private final TaskStatus from;
  private final TaskStatus to;
  private final Set<String> parameters;

  StateWrite(String file, Where where, TaskStatus from, TaskStatus to, String... parameters) {
    this.file = file;
    this.where = where;
    this.from = from;
    this.to = to;
    this.parameters = java.util.Collections.unmodifiableSet(new TreeSet<>(Set.of(parameters)));
  }

  /** The file name without {@code .sql}, e.g. {@code cancel}. */
  public String file() {
    return file;
  }

  public Where where() {
    return where;
  }

  /** The classpath path of this entry's file on {@code dialect}, e.g. {@code sql/cancel.sql}. */
  public String path(String dialect) {
    return "sql/" + (where == Where.PER_DIALECT ? dialect + "/" : "") + file + ".sql";
  }

  /** The state the write moves a task from; null for a creation or a write that moves none. */
  public TaskStatus from() {
    return from;
  }

  /** The state the write moves a task to; null when it changes no status. */
  public TaskStatus to() {
    return to;
  }

  /** Whether this write changes a task's status (and so writes a history row). */
  public boolean changesStatus() {
    return to != null;
  }

  /** The parameters the statement binds, sorted: {@code TaskId}, {@code in:TaskIds}, ... */
  public Set<String> parameters() {
    return parameters;
  }

  /**
   * The route step in front of this write: checks {@code from -> to} and sets {@code
   * TaskFromStatus} / {@code TaskToStatus}.
   *
   * @throws IllegalStateException for a write that changes no status (it has no transition)
   */
  public Transition transition() {
    if (to == null) {
      throw new IllegalStateException(
          "StateWrite." + name() + " changes no status: it has no transition step");
    }
    return from == null ? Transition.create() : Transition.of(from, to);
  }

  /** {@code pending -> cancelled}, {@code (none) -> pending}, or {@code (no status change)}. */
  public String transitionText() {
    if (to == null) {
      return "(no status change)";
    }
    return (from == null ? "(none)" : from.dbValue()) + " -> " + to.dbValue();
  }

  /** This entry as the start-up check reads it. */
  public StateWrites.Declaration declaration() {
    return new StateWrites.Declaration(name(), file, where, from, to, parameters);
  }
}
