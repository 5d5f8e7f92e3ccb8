package io.taskqueue.task;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The route step in front of every state write: it checks the transition against {@link
 * TaskStatus}'s table and hands both states to the guarded SQL as {@code :#TaskFromStatus} and
 * {@code :#TaskToStatus}. An illegal pair fails when the route is built, so it never reaches a
 * database.
 */
public final class Transition implements Processor {

  private final TaskStatus from;
  private final TaskStatus to;

  private Transition(TaskStatus from, TaskStatus to) {
    this.from = from;
    this.to = to;
  }

  /** {@code from -> to}, checked against the transition table. */
  public static Transition of(TaskStatus from, TaskStatus to) {
    from.checkMoveTo(to);
    return new Transition(from, to);
  }

  /** {@code (none) -> pending}, the creation of a task. */
  public static Transition create() {
    return new Transition(null, TaskStatus.INITIAL);
  }

  @Override
  public void process(Exchange exchange) {
    if (from != null) {
      from.checkMoveTo(to);
      exchange.getIn().setHeader(TaskConstants.FROM_STATUS, from.dbValue());
    }
    exchange.getIn().setHeader(TaskConstants.TO_STATUS, to.dbValue());
  }

  @Override
  public String toString() {
    return (from == null ? "(none)" : from.dbValue()) + " -> " + to.dbValue();
  }
}
