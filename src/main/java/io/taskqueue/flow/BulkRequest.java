package io.taskqueue.flow;

import io.taskqueue.task.TaskStatus;
import java.time.Instant;
import java.util.List;

/**
 * The target of a bulk command ({@link BulkCommandRoute}): one resource group, optionally one task
 * type, and a half-open time window {@code [from, to)} (either end may be open). Which timestamp
 * the window applies to depends on the command: {@code updated_at} (the time the task reached its
 * state) for the redrive and the purge, {@code created_at} for the cancel. {@code statuses} are the
 * states a purge deletes (the redrive and the cancel have their one source state); {@code reason}
 * becomes the history's reason; {@code chunk} bounds each statement ({@code <= 0}: {@code
 * taskqueue.rescue.batch-size}).
 */
public record BulkRequest(
    String group,
    String type,
    Instant from,
    Instant to,
    List<TaskStatus> statuses,
    String reason,
    int chunk) {

  /** The finished states a purge deletes when none are asked for; dead_letter only on request. */
  public static final List<TaskStatus> PURGED_BY_DEFAULT =
      List.of(TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.ARCHIVED);

  /** The states a purge may delete: the finished ones, and dead letters when asked for. */
  public static final List<TaskStatus> PURGEABLE =
      List.of(
          TaskStatus.COMPLETED, TaskStatus.CANCELLED, TaskStatus.ARCHIVED, TaskStatus.DEAD_LETTER);

  /** A redrive or cancel of a group, all types, any time, in chunks of the configured size. */
  public static BulkRequest of(String group) {
    return new BulkRequest(group, null, null, null, List.of(), null, 0);
  }
}
