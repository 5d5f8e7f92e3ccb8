package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.TaskConstants;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.springframework.stereotype.Component;

/**
 * The rescue timer ({@code direct:rescue}, run every {@code taskqueue.rescue.interval}). Every step
 * touches at most {@code taskqueue.rescue.batch-size} rows, found through an index, so a tick stays
 * short however large the backlog is; what is left waits for the next tick.
 *
 * <ol>
 *   <li>Tasks whose {@code running} lease expired (their node died or froze) and that have attempts
 *       left go back to {@code pending} with one atomic UPDATE, marked unpublished. Their stale
 *       attempt can no longer complete: completion is fenced by the attempt number.
 *   <li>Tasks whose lease expired on their last attempt go {@code running -> failed -> dead_letter}
 *       with reason {@code lease expired}, one guarded transaction each, with the {@code
 *       task.dead_letter} event and a notification on {@code taskqueue.dlq.<group>}, like a handler
 *       failure out of attempts: attempts never exceed {@code maxAttempts}.
 *   <li>Tasks pending for longer than {@code taskqueue.rescue.stale-after} (and past their runAt)
 *       are marked unpublished too, so a message the broker lost is replaced.
 *   <li>Pending tasks not known to be on the broker (just rescued, or a crash came between that
 *       UPDATE and the send) are sent to their group queue, then marked published. Sending first
 *       means a crash can only cause a second message, which the acquire compare-and-set makes
 *       harmless; several nodes may run this at once for the same reason.
 * </ol>
 *
 * All times are the database's ({@link FlowSupport#now()}).
 */
@Component
public class RescueRoute extends RouteBuilder {

  /** The reason of the transitions a lease rescue makes. */
  public static final String LEASE_EXPIRED = "lease expired";

  private final TaskQueueProperties properties;
  private final FlowSupport flow;
  private final StateWrites writes;

  public RescueRoute(TaskQueueProperties properties, FlowSupport flow, StateWrites writes) {
    this.properties = properties;
    this.flow = flow;
    this.writes = writes;
  }

  @Override
  public void configure() {
    long period = properties.getRescue().getInterval().toMillis();
    from("timer:rescue?delay=" + period + "&period=" + period)
        .routeId("rescue-timer")
        .to(Endpoints.RESCUE);

    from(Endpoints.RESCUE)
        .routeId("rescue")
        .process(flow::stamp)
        .setHeader(TaskConstants.LIMIT, constant(properties.getRescue().getBatchSize()))
        .process(StateWrite.RESCUE_LEASES.transition())
        .to(writes.uri(StateWrite.RESCUE_LEASES))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isGreaterThan(0))
        .log(LoggingLevel.WARN, "Rescued ${header.CamelSqlUpdateCount} task(s) whose lease expired")
        .end()
        // leases that expired on the last attempt: dead-lettered, never run again
        .to(sql("spent_leases", "outputType=SelectList&outputHeader=TaskSpentLeases"))
        .split(header("TaskSpentLeases"))
        .process(RescueRoute::fromSpentRow)
        .to(Endpoints.RESCUE_DEAD_LETTER)
        .end()
        .removeHeader("TaskSpentLeases")
        // belt and braces: a task pending for very long may have lost its message
        .process(flow::stamp)
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRescue().getStaleAfter())))
        .to(writes.uri(StateWrite.STALE_PENDING))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isGreaterThan(0))
        .log(
            LoggingLevel.WARN,
            "${header.CamelSqlUpdateCount} task(s) pending for longer than "
                + properties.getRescue().getStaleAfter()
                + "; sending their messages again")
        .end()
        .to(sql("unpublished", ""))
        .filter(simple("${body.size} > 0"))
        .to(Endpoints.REPUBLISH)
        .end();

    // one broker commit and one database commit for the whole batch: 500 messages cost about as
    // much as one. The messages commit first (brokerSends), so a crash in between only leaves
    // tasks still marked unpublished, which are resent: a harmless second message.
    from(Endpoints.REPUBLISH)
        .routeId("republish")
        .transacted("dbTx")
        .split(body())
        .process(RescueRoute::fromRow)
        // the session brokerSends commits (plain direct:publish would commit after the database)
        .to(Endpoints.PUBLISH_ENQUEUED)
        .to(writes.uri(StateWrite.MARK_PUBLISHED))
        .log(LoggingLevel.DEBUG, "Republished task ${header.TaskId}")
        .end()
        .to("bean:brokerSends?method=commitBeforeDatabase");

    from(Endpoints.RESCUE_DEAD_LETTER)
        .routeId("rescue-dead-letter")
        .transacted("dbTx")
        .process(flow::stamp)
        .process(StateWrite.EXPIRE_LEASE.transition())
        .to(writes.uri(StateWrite.EXPIRE_LEASE))
        // 0 rows: a heartbeat renewed the lease, or another node's rescue came first
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .setHeader(TaskConstants.REASON, constant(LEASE_EXPIRED))
        .process(StateWrite.DEAD_LETTER.transition())
        .to(writes.uri(StateWrite.DEAD_LETTER))
        .log(
            LoggingLevel.WARN,
            "Task ${header.TaskId} dead-lettered: the lease of its last attempt"
                + " (${header.TaskAttempt} of ${header.TaskMaxAttempts}) expired")
        .setHeader(TaskConstants.EVENT, constant("task.dead_letter"))
        .wireTap(Endpoints.TASK_EVENT)
        .setBody(FailureRoute::deadLetterMessage)
        .removeHeaders("*", TaskConstants.PREFIX + "*")
        .marshal()
        .json(JsonLibrary.Jackson)
        .toD(
            "jms:queue:"
                + ResourceGroups.deadLetterQueueOf("${header.TaskGroup}")
                + "?disableReplyTo=true&jmsMessageType=Text")
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

  private static void fromSpentRow(Exchange exchange) {
    Message in = exchange.getIn();
    Map<?, ?> row = in.getBody(Map.class);
    in.setBody(null);
    in.removeHeader("TaskSpentLeases");
    in.setHeader(TaskConstants.ID, String.valueOf(row.get("id")));
    in.setHeader(TaskConstants.TYPE, row.get("type"));
    in.setHeader(TaskConstants.GROUP, row.get("resource_group"));
    in.setHeader(TaskConstants.ATTEMPT, ((Number) row.get("attempts")).intValue());
    in.setHeader(TaskConstants.MAX_ATTEMPTS, ((Number) row.get("max_attempts")).intValue());
    in.setHeader(TaskConstants.ERROR_KIND, "lease_expired");
    in.setHeader(TaskConstants.ERROR, LEASE_EXPIRED);
  }
}
