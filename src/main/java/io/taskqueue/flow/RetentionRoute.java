package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.TaskConstants;
import java.sql.Timestamp;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * The retention timer ({@code direct:retention}, every {@code taskqueue.retention.interval}):
 * completed and cancelled tasks older than {@code taskqueue.retention.completed} become {@code
 * archived}; archived tasks older than {@code taskqueue.retention.purge-after} are deleted with
 * their history; metrics rows older than {@code taskqueue.retention.metrics} are deleted. Each step
 * is one atomic UPDATE or DELETE of at most {@code taskqueue.retention.batch-size} rows, oldest
 * first, found through an index; the ages are measured on the database clock.
 */
@Component
public class RetentionRoute extends RouteBuilder {

  private final TaskQueueProperties properties;
  private final FlowSupport flow;
  private final StateWrites writes;

  public RetentionRoute(TaskQueueProperties properties, FlowSupport flow, StateWrites writes) {
    this.properties = properties;
    this.flow = flow;
    this.writes = writes;
  }

  @Override
  public void configure() {
    long period = properties.getRetention().getInterval().toMillis();
    from("timer:retention?delay=" + period + "&period=" + period)
        .routeId("retention-timer")
        .to(Endpoints.RETENTION);

    from(Endpoints.RETENTION)
        .routeId("retention")
        .process(flow::stamp)
        .setHeader(TaskConstants.LIMIT, constant(properties.getRetention().getBatchSize()))
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRetention().getCompleted())))
        .process(StateWrite.ARCHIVE_COMPLETED.transition())
        .to(writes.uri(StateWrite.ARCHIVE_COMPLETED))
        .process(StateWrite.ARCHIVE_CANCELLED.transition())
        .to(writes.uri(StateWrite.ARCHIVE_CANCELLED))
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRetention().getPurgeAfter())))
        .to(writes.uri(StateWrite.PURGE))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isGreaterThan(0))
        .log(
            LoggingLevel.INFO,
            "Deleted ${header.CamelSqlUpdateCount} archived task(s) older than "
                + properties.getRetention().getPurgeAfter())
        .end()
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRetention().getMetrics())))
        .to(sql("prune_metrics", ""));
  }
}
