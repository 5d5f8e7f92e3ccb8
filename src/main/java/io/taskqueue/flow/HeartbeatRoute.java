package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.RunningAttempts.Attempt;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.TaskConstants;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The lease heartbeat ({@code timer:heartbeat}, every third of {@code taskqueue.lease}): one fenced
 * UPDATE per attempt running on this node moves its {@code lease_until} a lease ahead. So a lease
 * only runs out when its node stopped renewing it (dead, frozen, or cut off from the database for
 * longer than two heartbeats), never because a handler runs long.
 */
@Component
public class HeartbeatRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatRoute.class);

  /** Timer route id; stopping it simulates a frozen node in tests. */
  public static final String ROUTE_ID = "heartbeat-timer";

  private final TaskQueueProperties properties;
  private final FlowSupport flow;
  private final RunningAttempts attempts;

  public HeartbeatRoute(
      TaskQueueProperties properties, FlowSupport flow, RunningAttempts attempts) {
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
        .setBody(e -> attempts.snapshot())
        .split(body())
        .to("direct:heartbeat")
        .end();

    from("direct:heartbeat")
        .routeId("heartbeat")
        // the database is unreachable: try again at the next beat (two more before the lease ends)
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(HeartbeatRoute::logFailure)
        .end()
        .process(HeartbeatRoute::headers)
        .process(flow::lease)
        .to(sql("heartbeat", ""))
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
