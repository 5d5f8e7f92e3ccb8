package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * The rescue timer ({@code direct:rescue}, run every {@code taskqueue.rescue.interval}).
 *
 * <ol>
 *   <li>Tasks whose {@code running} lease expired (their node died or froze) go back to {@code
 *       pending} with one atomic UPDATE, marked unpublished. Their stale attempt can no longer
 *       complete: completion is fenced by the attempt number.
 *   <li>Pending tasks not known to be on the broker (just rescued, or a crash came between that
 *       UPDATE and the send) are sent to their group queue, then marked published. Sending first
 *       means a crash can only cause a second message, which the acquire compare-and-set makes
 *       harmless; several nodes may run this at once for the same reason.
 *   <li>Between the two, tasks pending for longer than {@code taskqueue.rescue.stale-after} (and
 *       past their runAt) are marked unpublished too, so a message the broker lost is replaced.
 * </ol>
 */
@Component
public class RescueRoute extends RouteBuilder {

  private final TaskQueueProperties properties;
  private final FlowSupport flow;

  public RescueRoute(TaskQueueProperties properties, FlowSupport flow) {
    this.properties = properties;
    this.flow = flow;
  }

  @Override
  public void configure() {
    long period = properties.getRescue().getInterval().toMillis();
    from("timer:rescue?delay=" + period + "&period=" + period)
        .routeId("rescue-timer")
        .to("direct:rescue");

    from("direct:rescue")
        .routeId("rescue")
        .process(flow::stamp)
        .process(Transition.of(TaskStatus.RUNNING, TaskStatus.PENDING))
        .to(sql("rescue_leases", ""))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isGreaterThan(0))
        .log(LoggingLevel.WARN, "Rescued ${header.CamelSqlUpdateCount} task(s) whose lease expired")
        .end()
        // belt and braces: a task pending for very long may have lost its message
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRescue().getStaleAfter())))
        .to(sql("stale_pending", ""))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isGreaterThan(0))
        .log(
            LoggingLevel.WARN,
            "${header.CamelSqlUpdateCount} task(s) pending for longer than "
                + properties.getRescue().getStaleAfter()
                + "; sending their messages again")
        .end()
        .setHeader(TaskConstants.LIMIT, constant(properties.getRescue().getBatchSize()))
        .to(sql("unpublished", ""))
        .split(body())
        .process(RescueRoute::fromRow)
        .to("direct:publish")
        .to(sql("mark_published", ""))
        .log(LoggingLevel.DEBUG, "Republished task ${header.TaskId}")
        .end();
  }

  private static void fromRow(Exchange exchange) {
    Message in = exchange.getIn();
    Map<?, ?> row = in.getBody(Map.class);
    in.setHeader(TaskConstants.ID, String.valueOf(row.get("id")));
    in.setHeader(TaskConstants.TYPE, row.get("type"));
    in.setHeader(TaskConstants.GROUP, row.get("resource_group"));
    in.setHeader(TaskConstants.PRIORITY, ((Number) row.get("priority")).intValue());
    in.setHeader(TaskConstants.RUN_AT, FlowSupport.timestamp(row.get("run_at")));
  }
}
