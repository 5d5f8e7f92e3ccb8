package io.taskqueue.flow;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.RunningAttempts.Attempt;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.TaskConstants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The lease heartbeat ({@code timer:heartbeat}, every third of {@code taskqueue.lease}): a fenced
 * UPDATE per attempt running on this node (up to 1,000 of them in one JDBC batch and one commit)
 * moves its {@code lease_until} a lease ahead. So a lease only runs out when its node stopped
 * renewing it (dead, frozen, or cut off from the database for longer than two heartbeats), never
 * because a handler runs long.
 */
@Component
public class HeartbeatRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatRoute.class);

  /** Timer route id; stopping it simulates a frozen node in tests. */
  public static final String ROUTE_ID = "heartbeat-timer";

  private final TaskQueueProperties properties;
  private final FlowSupport flow;
  private final RunningAttempts attempts;
  private final StateWrites writes;

  public HeartbeatRoute(
      TaskQueueProperties properties,
      FlowSupport flow,
      RunningAttempts attempts,
      StateWrites writes) {
    this.writes = writes;
    this.properties = properties;
    this.flow = flow;
    this.attempts = attempts;
  }

  @Override
  public void configure() {
    long period = Math.max(100, properties.getLease().toMillis() / 3);
    from("timer:heartbeat?period=" + period + "&delay=" + period)
        .routeId(ROUTE_ID)
        .filter(e -> attempts.count() > 0)
        .setBody(e -> chunks(attempts.snapshot()))
        .split(body())
        .to(Endpoints.HEARTBEAT_BATCH)
        .end();

    // up to BATCH attempts renewed in one JDBC batch and one commit; when some row did not match
    // (an attempt lost its task) the chunk is renewed attempt by attempt to find out which
    from(Endpoints.HEARTBEAT_BATCH)
        .routeId("heartbeat-batch")
        // the database is unreachable: try again at the next beat (two more before the lease ends)
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(
            e ->
                LOG.warn(
                    "Could not renew the leases of {} running attempt(s): {}",
                    attemptsOf(e).size(),
                    FailureText.describe(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))))
        .end()
        .setVariable("attempts", body())
        .process(flow::lease)
        .setBody(HeartbeatRoute::rows)
        .transacted("dbTx")
        .to(writes.uri(StateWrite.HEARTBEAT, "batch=true"))
        .choice()
        .when(e -> updated(e) == attemptsOf(e).size())
        .process(e -> attemptsOf(e).forEach(a -> attempts.renewed(a.id(), a.fence())))
        .otherwise()
        .setBody(HeartbeatRoute::attemptsOf)
        .split(body())
        .to(Endpoints.HEARTBEAT)
        .end()
        .end();

    from(Endpoints.HEARTBEAT)
        .routeId("heartbeat")
        // the database is unreachable: try again at the next beat (two more before the lease ends)
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(HeartbeatRoute::logFailure)
        .end()
        .process(HeartbeatRoute::headers)
        .process(flow::lease)
        .to(writes.uri(StateWrite.HEARTBEAT))
        .choice()
        .when(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .process(
            e ->
                attempts.renewed(
                    e.getIn().getHeader(TaskConstants.ID, String.class),
                    e.getIn().getHeader(TaskConstants.FENCE, Long.class)))
        .otherwise()
        .log(
            LoggingLevel.DEBUG,
            "Task ${header.TaskId}: lease not renewed, attempt with fence ${header.TaskFence} no"
                + " longer owns it")
        .end();
  }

  /** Attempts renewed per statement batch. */
  static final int BATCH = 1000;

  private static List<List<Attempt>> chunks(List<Attempt> all) {
    List<List<Attempt>> chunks = new ArrayList<>();
    for (int i = 0; i < all.size(); i += BATCH) {
      chunks.add(all.subList(i, Math.min(all.size(), i + BATCH)));
    }
    return chunks;
  }

  @SuppressWarnings("unchecked")
  private static List<Attempt> attemptsOf(Exchange exchange) {
    return exchange.getVariable("attempts", List.class);
  }

  private static List<Map<String, Object>> rows(Exchange exchange) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Attempt attempt : attemptsOf(exchange)) {
      rows.add(Map.of(TaskConstants.ID, attempt.id(), TaskConstants.FENCE, attempt.fence()));
    }
    return rows;
  }

  private static int updated(Exchange exchange) {
    return exchange.getIn().getHeader(SqlConstants.SQL_UPDATE_COUNT, 0, Integer.class);
  }

  private static void headers(Exchange exchange) {
    Attempt attempt = exchange.getIn().getBody(Attempt.class);
    exchange.getIn().setHeader(TaskConstants.ID, attempt.id());
    exchange.getIn().setHeader(TaskConstants.FENCE, attempt.fence());
    exchange.getIn().setBody(null);
  }

  private static void logFailure(Exchange exchange) {
    LOG.warn(
        "Could not renew the lease of task {}: {}",
        exchange.getIn().getHeader(TaskConstants.ID),
        FailureText.describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
  }
}
