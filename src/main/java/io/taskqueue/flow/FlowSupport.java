package io.taskqueue.flow;

import io.taskqueue.config.NodeIdentity;
import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.task.TaskConstants;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Small steps every flow stage needs: who and when a write happens, and the lease deadline. */
@Component
public class FlowSupport {

  private final NodeIdentity node;
  private final TaskQueueProperties properties;
  private final Clock clock;

  public FlowSupport(NodeIdentity node, TaskQueueProperties properties) {
    this.node = node;
    this.properties = properties;
    this.clock = Clock.systemUTC();
  }

  public Instant now() {
    return clock.instant();
  }

  /** Sets {@code TaskNode} and {@code TaskNow} for the next write. */
  public void stamp(Exchange exchange) {
    exchange.getIn().setHeader(TaskConstants.NODE, node.name());
    exchange.getIn().setHeader(TaskConstants.NOW, Timestamp.from(now()));
  }

  /** Sets {@code TaskLeaseUntil} a lease from now. */
  public void lease(Exchange exchange) {
    stamp(exchange);
    exchange
        .getIn()
        .setHeader(TaskConstants.LEASE_UNTIL, Timestamp.from(now().plus(properties.getLease())));
  }

  /**
   * Drops the body before the {@code sql:} steps; everything they need is in headers. camel-sql
   * converts the body to a {@code Map} for every {@code :#param} it binds, and for a body with no
   * such converter (the task id or the request's JSON text, both Strings) Camel scans its whole
   * converter registry each time: a third of the CPU of a no-op task in a profile.
   */
  public static void clearBody(Exchange exchange) {
    exchange.getIn().setBody(null);
  }

  /**
   * A timestamp column value (a {@code Timestamp} on PostgreSQL, an {@code OffsetDateTime} on H2).
   */
  public static Timestamp timestamp(Object column) {
    if (column == null || column instanceof Timestamp) {
      return (Timestamp) column;
    }
    if (column instanceof java.time.OffsetDateTime odt) {
      return Timestamp.from(odt.toInstant());
    }
    if (column instanceof java.util.Date date) {
      return new Timestamp(date.getTime());
    }
    throw new IllegalArgumentException("Not a timestamp: " + column.getClass().getName());
  }

  public String nodeName() {
    return node.name();
  }
}
