package io.taskqueue.flow;

import io.taskqueue.task.TaskStatus;
import java.util.Map;

/**
 * What an operator command ({@code direct:cancel}, {@code direct:redrive}) did: the body it
 * answers. No HTTP status here; the API maps {@link Result#DONE} to 200/202, {@link
 * Result#NOT_FOUND} to 404 and {@link Result#REFUSED} to 409.
 *
 * @param result what happened
 * @param id the task id as the caller gave it
 * @param from the state the command moves a task from
 * @param to the state it moves it to
 * @param current the task's state when it was refused (null otherwise)
 * @param task the task as the command left it, in the API's shape ({@code GET /api/tasks/{id}});
 *     null when not found
 */
public record CommandOutcome(
    Result result,
    String id,
    TaskStatus from,
    TaskStatus to,
    String current,
    Map<String, Object> task) {

  /** What happened to the task. */
  public enum Result {
    /** The task moved {@code from -> to}. */
    DONE,
    /** There is no task with this id (or the id is not a task id). */
    NOT_FOUND,
    /** The task is in another state than {@code from}; {@code current} names it. */
    REFUSED
  }

  public boolean done() {
    return result == Result.DONE;
  }

  /** A sentence for a log or an error answer. */
  public String message() {
    return switch (result) {
      case DONE -> "Task " + id + " is " + to.dbValue();
      case NOT_FOUND -> "No task with id '" + id + "'";
      case REFUSED ->
          "Task "
              + id
              + " is "
              + current
              + "; only a "
              + from.dbValue()
              + " task can become "
              + to.dbValue();
    };
  }
}
