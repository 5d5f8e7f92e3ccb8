package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.sql.Timestamp;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The retention timer ({@code direct:retention}): completed and cancelled tasks older than {@code
 * taskqueue.retention.completed} become {@code archived}; metrics rows older than {@code
 * taskqueue.retention.metrics} are deleted. Each step is one atomic UPDATE or DELETE.
 */
@Component
public class RetentionRoute extends RouteBuilder {

  private final TaskQueueProperties properties;
  private final FlowSupport flow;

  public RetentionRoute(TaskQueueProperties properties, FlowSupport flow) {
    this.properties = properties;
    this.flow = flow;
  }

  @Override
  public void configure() {
    long period = properties.getRetention().getInterval().toMillis();
    from("timer:retention?delay=" + period + "&period=" + period)
        .routeId("retention-timer")
        .to("direct:retention");

    from("direct:retention")
        .routeId("retention")
        .process(flow::stamp)
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRetention().getCompleted())))
        .process(Transition.of(TaskStatus.COMPLETED, TaskStatus.ARCHIVED))
        .to(sql("archive", ""))
        .process(Transition.of(TaskStatus.CANCELLED, TaskStatus.ARCHIVED))
        .to(sql("archive", ""))
        .setHeader(
            TaskConstants.CUTOFF,
            () -> Timestamp.from(flow.now().minus(properties.getRetention().getMetrics())))
        .to(sql("prune_metrics", ""));
  }
}
