package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StoreDialect;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * One worker route per resource group ({@code worker-<group>}), consuming {@code
 * taskqueue.group.<group>} in a local JMS transaction with {@code concurrency} consumers.
 *
 * <p>Acquire is one compare-and-set ({@code pending -> running}, attempts + 1, owner, lease). A
 * delivery that loses it is a duplicate or a cancelled task: acknowledged and skipped, the handler
 * never runs. A won delivery runs the handler route {@code task:<type>} ({@code direct:execute})
 * and completes with a compare-and-set fenced by the attempt number; a handler failure goes through
 * the dead-letter channel to {@code direct:task-failure}.
 */
@Component
public class WorkerRoute extends RouteBuilder {

  /**
   * A message whose task row is not visible yet (its enqueue transaction has not committed) is
   * rolled back to the broker, which redelivers it with a growing delay; after this many deliveries
   * the row is taken to never have been committed and the message is dropped.
   */
  static final int MAX_DELIVERIES_OF_UNKNOWN_TASK = 10;

  private final ResourceGroups groups;
  private final StoreDialect dialect;
  private final FlowSupport flow;

  public WorkerRoute(ResourceGroups groups, StoreDialect dialect, FlowSupport flow) {
    this.groups = groups;
    this.dialect = dialect;
    this.flow = flow;
  }

  @Override
  public void configure() {
    for (String group : groups.names()) {
      GroupSettings settings = groups.settings(group);
      int consumers = settings.effectiveConcurrency();
      from("jms:queue:"
              + ResourceGroups.queueOf(group)
              + "?transacted=true&lazyCreateTransactionManager=false&cacheLevelName=CACHE_CONSUMER"
              + "&disableReplyTo=true&errorHandlerLoggingLevel=DEBUG&errorHandlerLogStackTrace=false"
              + "&concurrentConsumers="
              + consumers
              + "&maxConcurrentConsumers="
              + consumers)
          .routeId("worker-" + group)
          .setHeader(TaskConstants.ID, body())
          .setHeader(TaskConstants.GROUP, constant(group))
          .process(FlowSupport::clearBody)
          .process(flow::lease)
          .process(Transition.of(TaskStatus.PENDING, TaskStatus.RUNNING))
          .to(
              dialect.dialectSql(
                  "acquire", "outputType=SelectOne&outputHeader=" + TaskConstants.ACQUIRED))
          .choice()
          .when(header(TaskConstants.ACQUIRED).isNull())
          .to("direct:skip-delivery")
          .otherwise()
          .process(WorkerRoute::unpackAcquired)
          .to("direct:execute")
          .end();
    }

    from("direct:skip-delivery")
        .routeId("skip-delivery")
        .onException(TaskNotVisibleException.class)
        .handled(false)
        .logExhausted(false)
        .logStackTrace(false)
        .end()
        .to(sql("task_status", "outputType=SelectOne&outputHeader=" + TaskConstants.CURRENT_STATUS))
        .choice()
        // pending: the enqueue committed between our UPDATE and this read; missing: not committed
        // yet. Either way the broker redelivers the message shortly and the next try acquires it.
        .when(
            e ->
                TaskStatus.PENDING.dbValue().equals(currentStatus(e))
                    || (currentStatus(e) == null
                        && deliveryCount(e) < MAX_DELIVERIES_OF_UNKNOWN_TASK))
        .throwException(
            TaskNotVisibleException.class, "Task ${header.TaskId} is not acquirable yet")
        .when(header(TaskConstants.CURRENT_STATUS).isNull())
        .log(
            LoggingLevel.WARN,
            "Dropping the message of task ${header.TaskId}: no such task after "
                + MAX_DELIVERIES_OF_UNKNOWN_TASK
                + " deliveries (its enqueue was rolled back)")
        .otherwise()
        .log(
            LoggingLevel.DEBUG,
            "Skipping a delivery of task ${header.TaskId}: it is ${header.TaskCurrentStatus}")
        .to("bean:flowMetrics?method=skippedDelivery")
        .end();

    from("direct:execute")
        .routeId("execute")
        .errorHandler(deadLetterChannel("direct:task-failure").logExhausted(false))
        .to("bean:taskDispatcher?method=dispatch")
        .process(flow::stamp)
        .process(Transition.of(TaskStatus.RUNNING, TaskStatus.COMPLETED))
        .to(sql("complete", ""))
        .choice()
        .when(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
        .log(
            LoggingLevel.WARN,
            "Discarded the result of task ${header.TaskId} attempt ${header.TaskAttempt}: its lease"
                + " was rescued and the task belongs to another attempt now")
        .to("bean:flowMetrics?method=staleAttempt")
        .otherwise()
        .setHeader(TaskConstants.EVENT, constant("task.completed"))
        .wireTap("direct:task-event")
        .end();
  }

  private static void unpackAcquired(Exchange exchange) {
    Message in = exchange.getIn();
    Map<?, ?> row = in.getHeader(TaskConstants.ACQUIRED, Map.class);
    in.removeHeader(TaskConstants.ACQUIRED);
    in.setHeader(TaskConstants.TYPE, row.get("type"));
    in.setHeader(TaskConstants.PAYLOAD, row.get("payload"));
    in.setHeader(TaskConstants.ATTEMPT, ((Number) row.get("attempts")).intValue());
    in.setHeader(TaskConstants.MAX_ATTEMPTS, ((Number) row.get("max_attempts")).intValue());
  }

  private static String currentStatus(Exchange exchange) {
    return exchange.getIn().getHeader(TaskConstants.CURRENT_STATUS, String.class);
  }

  private static int deliveryCount(Exchange exchange) {
    Integer count = exchange.getIn().getHeader(TaskConstants.DELIVERY_COUNT, Integer.class);
    return count == null ? 1 : count;
  }

  /** Rolls a delivery back so the broker redelivers it later. */
  public static class TaskNotVisibleException extends RuntimeException {
    public TaskNotVisibleException(String message) {
      super(message);
    }
  }
}
