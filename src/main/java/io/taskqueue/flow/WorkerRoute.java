package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.component.NoHandlerException;
import io.taskqueue.flow.RunningAttempts.AttemptReleasedException;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StoreDialect;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * One worker route per resource group ({@code worker-<group>}), consuming {@code
 * taskqueue.group.<group>} in a local JMS transaction with {@code concurrency} consumers.
 *
 * <p>A delivery this node cannot run (it is shutting down, or no route here handles the message's
 * {@code TaskType}) is rolled back to the broker before anything is written: no attempt is spent,
 * and the broker offers it again (to another node, or here once the handler route runs).
 *
 * <p>Acquire is one compare-and-set ({@code pending -> running}, attempts + 1, fence + 1, owner,
 * lease). A delivery that loses it is a duplicate or a cancelled task: acknowledged and skipped,
 * the handler never runs. A won delivery registers its attempt in {@link RunningAttempts} (the
 * heartbeat renews its lease from then on), runs the handler route {@code task:<type>} on a handler
 * thread for at most its handler timeout, and completes with a compare-and-set fenced by the
 * attempt's fencing token; a handler failure goes through the dead-letter channel to {@code
 * direct:task-failure}. A database error while completing is retried while the lease is still this
 * node's: the handler does not run again for it.
 */
@Component
public class WorkerRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerRoute.class);

  /**
   * A message whose task row is not visible yet (its enqueue transaction has not committed) is
   * rolled back to the broker, which redelivers it within a second. From this delivery on the
   * worker also asks the database whether that enqueue could still commit.
   */
  static final int CHECK_UNKNOWN_TASK_AFTER_DELIVERIES = 10;

  /**
   * A message's enqueue transaction started before the message was sent ({@code JMSTimestamp}, the
   * sending node's clock). A message whose task row is missing is dropped only when no transaction
   * that started before its send time plus this margin is still open: the margin covers clock skew
   * between the sending node and the database.
   */
  static final Duration UNKNOWN_TASK_CLOCK_MARGIN = Duration.ofMinutes(5);

  private static final String SUCCEEDED = "TaskqueueHandlerSucceeded";
  private static final String OPEN_TRANSACTIONS = "TaskOpenTransactions";

  private final ResourceGroups groups;
  private final StoreDialect dialect;
  private final FlowSupport flow;
  private final RunningAttempts attempts;
  private final Set<String> typesWarnedAbout = ConcurrentHashMap.newKeySet();

  public WorkerRoute(
      ResourceGroups groups, StoreDialect dialect, FlowSupport flow, RunningAttempts attempts) {
    this.groups = groups;
    this.dialect = dialect;
    this.flow = flow;
    this.attempts = attempts;
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
          // the database is unreachable: roll the delivery back (nothing was written, no attempt
          // spent); the broker offers it again after its redelivery delay
          .onException(SQLException.class, DataAccessException.class)
          .handled(false)
          .logExhausted(false)
          .process(WorkerRoute::logDatabaseDown)
          .end()
          .onException(RedeliverException.class)
          .handled(false)
          .logExhausted(false)
          .logStackTrace(false)
          .end()
          .setHeader(TaskConstants.ID, body())
          .setHeader(TaskConstants.GROUP, constant(group))
          .process(FlowSupport::clearBody)
          .filter(e -> attempts.declines(e.getIn().getHeader(TaskConstants.TYPE, String.class)))
          .process(this::decline)
          .end()
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
        .onException(RedeliverException.class)
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
                        && deliveryCount(e) < CHECK_UNKNOWN_TASK_AFTER_DELIVERIES))
        .throwException(RedeliverException.class, "Task ${header.TaskId} is not acquirable yet")
        .when(header(TaskConstants.CURRENT_STATUS).isNull())
        .to("direct:unknown-task")
        .otherwise()
        .log(
            LoggingLevel.DEBUG,
            "Skipping a delivery of task ${header.TaskId}: it is ${header.TaskCurrentStatus}")
        .to("bean:flowMetrics?method=skippedDelivery")
        .end();

    // A message whose task row is still missing after many deliveries: its enqueue may still be
    // committing (a slow commit, a frozen node) or may have been rolled back (a crash between the
    // broker commit and the database commit). It is dropped only when no transaction that could be
    // that enqueue is still open, and the row is still missing after that check.
    from("direct:unknown-task")
        .routeId("unknown-task")
        .onException(RedeliverException.class)
        .handled(false)
        .logExhausted(false)
        .logStackTrace(false)
        .end()
        .process(WorkerRoute::openTransactionCutoff)
        .to(
            dialect.dialectSql(
                "open_transactions", "outputType=SelectOne&outputHeader=" + OPEN_TRANSACTIONS))
        .to(sql("task_status", "outputType=SelectOne&outputHeader=" + TaskConstants.CURRENT_STATUS))
        .choice()
        .when(
            e ->
                currentStatus(e) != null
                    || e.getIn().getHeader(OPEN_TRANSACTIONS, 0L, Long.class) > 0)
        .throwException(
            RedeliverException.class,
            "Task ${header.TaskId} is not visible yet; its enqueue may still commit")
        .otherwise()
        .log(
            LoggingLevel.WARN,
            "Dropping the message of task ${header.TaskId}: no such task, and no transaction that"
                + " could still create it is open (its enqueue was rolled back)")
        .end();

    from("direct:execute")
        .routeId("execute")
        .process(attempts::begin)
        .doTry()
        .to("direct:run-handler")
        .filter(exchangeProperty(SUCCEEDED).isEqualTo(true))
        .to("direct:complete")
        .end()
        .endDoTry()
        .doFinally()
        .process(attempts::end)
        .end();

    from("direct:run-handler")
        .routeId("run-handler")
        .errorHandler(deadLetterChannel("direct:task-failure").logExhausted(false))
        // not a failure of the task: no route here handles its type (the message had no TaskType
        // to decline it by). Back to pending without spending an attempt; the rescue resends it.
        .onException(NoHandlerException.class)
        .handled(true)
        .logExhausted(false)
        .process(
            e ->
                e.getIn()
                    .setHeader(
                        TaskConstants.REASON,
                        "no handler for "
                            + e.getIn().getHeader(TaskConstants.TYPE)
                            + " on "
                            + flow.nodeName()))
        .to("direct:release")
        .end()
        // a graceful shutdown gave the task back to pending: nothing more to write
        .onException(AttemptReleasedException.class)
        .handled(true)
        .logExhausted(false)
        .log(
            LoggingLevel.INFO,
            "Task ${header.TaskId} attempt ${header.TaskAttempt} was released by the shutdown;"
                + " its handler's outcome is discarded")
        .end()
        .process(attempts::run)
        .setProperty(SUCCEEDED, constant(true));

    // the handler succeeded: its result must be written. A database error is retried (the handler
    // is not run again) while this node still holds the lease; the write is fenced, so it can never
    // overwrite a newer attempt
    from("direct:complete")
        .routeId("complete")
        .onException(Exception.class)
        .retryWhile(method(attempts, "leaseHeld"))
        .redeliveryDelay(200)
        .useExponentialBackOff()
        .backOffMultiplier(2)
        .maximumRedeliveryDelay(5000)
        .retryAttemptedLogLevel(LoggingLevel.WARN)
        .logRetryStackTrace(false)
        .logStackTrace(false)
        .handled(false)
        .end()
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

    // running -> pending without spending an attempt (TaskReason says why), fenced
    from("direct:release")
        .routeId("release")
        .process(flow::stamp)
        .process(Transition.of(TaskStatus.RUNNING, TaskStatus.PENDING))
        .to(sql("release", ""))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .log(
            LoggingLevel.INFO,
            "Task ${header.TaskId} went back to pending without spending an attempt:"
                + " ${header.TaskReason}")
        .end();
  }

  /** Hands the delivery back to the broker: this node is stopping or lacks the handler. */
  private void decline(Exchange exchange) {
    String type = exchange.getIn().getHeader(TaskConstants.TYPE, String.class);
    if (attempts.isDraining()) {
      throw new RedeliverException("This node is shutting down");
    }
    if (typesWarnedAbout.add(type)) {
      LOG.warn(
          "No handler route for task type '{}' on this node: its tasks are left to nodes that"
              + " have one (add a route from task:{} to run them here)",
          type,
          type);
    }
    throw new RedeliverException("No handler for " + type + " on this node");
  }

  private static void unpackAcquired(Exchange exchange) {
    Message in = exchange.getIn();
    Map<?, ?> row = in.getHeader(TaskConstants.ACQUIRED, Map.class);
    in.removeHeader(TaskConstants.ACQUIRED);
    in.setHeader(TaskConstants.TYPE, row.get("type"));
    in.setHeader(TaskConstants.PAYLOAD, row.get("payload"));
    in.setHeader(TaskConstants.ATTEMPT, ((Number) row.get("attempts")).intValue());
    in.setHeader(TaskConstants.MAX_ATTEMPTS, ((Number) row.get("max_attempts")).intValue());
    in.setHeader(TaskConstants.FENCE, ((Number) row.get("fence")).longValue());
  }

  private static void openTransactionCutoff(Exchange exchange) {
    Long sent = exchange.getIn().getHeader("JMSTimestamp", Long.class);
    long sentAt = sent == null || sent <= 0 ? System.currentTimeMillis() : sent;
    exchange
        .getIn()
        .setHeader(
            TaskConstants.CUTOFF, new Timestamp(sentAt + UNKNOWN_TASK_CLOCK_MARGIN.toMillis()));
  }

  private static void logDatabaseDown(Exchange exchange) {
    Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    LOG.warn(
        "Database unavailable; the delivery of task {} goes back to the broker: {}",
        exchange.getIn().getHeader(TaskConstants.ID),
        FailureText.describe(error));
  }

  private static String currentStatus(Exchange exchange) {
    return exchange.getIn().getHeader(TaskConstants.CURRENT_STATUS, String.class);
  }

  private static int deliveryCount(Exchange exchange) {
    Integer count = exchange.getIn().getHeader(TaskConstants.DELIVERY_COUNT, Integer.class);
    return count == null ? 1 : count;
  }

  /** Rolls a delivery back so the broker redelivers it later. */
  public static class RedeliverException extends RuntimeException {
    public RedeliverException(String message) {
      super(message);
    }
  }
}
