package io.taskqueue.task;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The states of a task and the one table of transitions allowed between them.
 *
 * <p>Input that fails validation is rejected and never becomes a task, so there is no {@code
 * rejected} state here. The database column holds {@link #dbValue()}.
 */
public enum TaskStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  FAILED,
  CANCELLED,
  ARCHIVED,
  DEAD_LETTER;

  private static final Map<TaskStatus, Set<TaskStatus>> ALLOWED = new EnumMap<>(TaskStatus.class);

  static {
    ALLOWED.put(PENDING, EnumSet.of(RUNNING, CANCELLED));
    // running -> pending: the lease expired (rescue), or the attempt was released without spending
    // it (no handler on the node, a shutdown past its grace period)
    ALLOWED.put(RUNNING, EnumSet.of(COMPLETED, FAILED, PENDING));
    ALLOWED.put(FAILED, EnumSet.of(PENDING, DEAD_LETTER));
    ALLOWED.put(DEAD_LETTER, EnumSet.of(PENDING));
    ALLOWED.put(COMPLETED, EnumSet.of(ARCHIVED));
    ALLOWED.put(CANCELLED, EnumSet.of(ARCHIVED));
    ALLOWED.put(ARCHIVED, EnumSet.noneOf(TaskStatus.class));
  }

  /** The state a new task is created in ({@code (none) -> pending}). */
  public static final TaskStatus INITIAL = PENDING;

  /** The value stored in the {@code status} column and shown by the API. */
  public String dbValue() {
    return name().toLowerCase();
  }

  /** The states this one may move to. */
  public Set<TaskStatus> targets() {
    return Collections.unmodifiableSet(ALLOWED.get(this));
  }

  public boolean canMoveTo(TaskStatus target) {
    return ALLOWED.get(this).contains(target);
  }

  /**
   * Checks a transition against the table.
   *
   * @throws IllegalTransitionException naming both states when the table does not allow it
   */
  public TaskStatus checkMoveTo(TaskStatus target) {
    if (!canMoveTo(target)) {
      throw new IllegalTransitionException(this, target);
    }
    return target;
  }

  /** Parses a column or API value such as {@code dead_letter}. */
  public static TaskStatus fromDb(String value) {
    for (TaskStatus s : values()) {
      if (s.dbValue().equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "Unknown task status '"
            + value
            + "'; expected one of "
            + java.util.Arrays.toString(values()).toLowerCase());
  }
}
