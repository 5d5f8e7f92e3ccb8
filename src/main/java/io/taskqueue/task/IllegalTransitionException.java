package io.taskqueue.task;

/** A write asked for a state change the transition table does not allow. */
public class IllegalTransitionException extends IllegalStateException {

  private final TaskStatus from;
  private final TaskStatus to;

  public IllegalTransitionException(TaskStatus from, TaskStatus to) {
    super(
        "Illegal task transition "
            + from.dbValue()
            + " -> "
            + to.dbValue()
            + ": from "
            + from.dbValue()
            + " a task may only move to "
            + from.targets().stream().map(TaskStatus::dbValue).toList());
    this.from = from;
    this.to = to;
  }

  public TaskStatus from() {
    return from;
  }

  public TaskStatus to() {
    return to;
  }
}
