package io.taskqueue.flow;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.HandlerTimeoutException;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskFailureKind;
import io.taskqueue.task.TaskItem;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code direct:task-failure}, the dead-letter channel of {@code direct:execute}: classifies the
 * handler's exception and either schedules a retry ({@code running -> failed -> pending}, then a
 * new message that Artemis delivers after an exponential backoff with jitter) or dead-letters the
 * task ({@code running -> failed -> dead_letter}, a message on {@code taskqueue.dlq.<group>}).
 */
@Component
public class FailureRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(FailureRoute.class);

  /** Exchange property: the retry's state change committed, its message is still to be sent. */
  private static final String REQUEUED = "TaskRequeued";

  /** Exchange property: the dead letter committed, its event and notice are still to be sent. */
  private static final String DEAD_LETTERED = "TaskDeadLettered";

  private final ResourceGroups groups;
  private final FlowSupport flow;
  private final StateWrites writes;
  private final FaultInjection faults;

  public FailureRoute(
      ResourceGroups groups, FlowSupport flow, StateWrites writes, FaultInjection faults) {
    this.writes = writes;
    this.faults = faults;
    this.groups = groups;
    this.flow = flow;
  }

  @Override
  public void configure() {
    from(Endpoints.TASK_FAILURE)
        .routeId("task-failure")
        .process(this::decide)
        .choice()
        .when(header(TaskConstants.RETRY).isEqualTo(true))
        .to(Endpoints.RETRY)
        .otherwise()
        .to(Endpoints.DEAD_LETTER)
        .end();

    // the retry's message is sent after its database commit, as by the redrive: sent inside the
    // transaction it would commit after the database (Spring commits a bound JMS session last), and
    // a broker that died in between left a pending task without a message until stale-after (1 h).
    // Now the row says published = FALSE until the send, and the rescue resends what was not sent
    from(Endpoints.RETRY)
        .routeId("retry")
        .to(Endpoints.RETRY_WRITE)
        .filter(exchangeProperty(REQUEUED).isEqualTo(true))
        .process(e -> faults.at(FaultInjection.RETRY_AFTER_DB_COMMIT))
        .to(Endpoints.PUBLISH)
        .to(writes.uri(StateWrite.MARK_PUBLISHED))
        .end();

    from(Endpoints.RETRY_WRITE)
        .routeId("retry-write")
        .transacted("dbTx")
        .process(StateWrite.FAIL.transition())
        .to(writes.uri(StateWrite.FAIL))
        // 0 rows: the lease was rescued meanwhile and this attempt no longer owns the task
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .process(StateWrite.REQUEUE.transition())
        .to(writes.uri(StateWrite.REQUEUE))
        .setProperty(REQUEUED, constant(true))
        .end();

    // the dead letter is recorded whatever the broker does; its event and its notice on the
    // group's DLQ follow the commit. Sent inside the transaction, a broker failure rolled the dead
    // letter back and left the task running until the lease rescue dead-lettered it with the
    // reason "lease expired" instead of the handler's error (and an event could announce a dead
    // letter that then rolled back)
    from(Endpoints.DEAD_LETTER)
        .routeId("dead-letter")
        .to(Endpoints.DEAD_LETTER_WRITE)
        .filter(exchangeProperty(DEAD_LETTERED).isEqualTo(true))
        .setHeader(TaskConstants.EVENT, constant("task.dead_letter"))
        .wireTap(Endpoints.TASK_EVENT)
        .setBody(FailureRoute::deadLetterMessage)
        .removeHeaders("*", TaskConstants.PREFIX + "*")
        .removeHeaders(TaskConstants.PAYLOAD)
        .marshal()
        .json(JsonLibrary.Jackson)
        .toD(
            "jms:queue:"
                + ResourceGroups.deadLetterQueueOf("${header.TaskGroup}")
                + "?disableReplyTo=true&jmsMessageType=Text")
        .end();

    from(Endpoints.DEAD_LETTER_WRITE)
        .routeId("dead-letter-write")
        .transacted("dbTx")
        .process(StateWrite.FAIL.transition())
        .to(writes.uri(StateWrite.FAIL))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .process(StateWrite.DEAD_LETTER.transition())
        .to(writes.uri(StateWrite.DEAD_LETTER))
        .setProperty(DEAD_LETTERED, constant(true))
        .end();
  }

  /** Sets the error, the reason and whether (and when) to retry. */
  void decide(Exchange exchange) {
    Message in = exchange.getIn();
    Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    TaskFailureKind kind = TaskFailureKind.of(error);
    // the attempt as the worker acquired it; the Task* headers are the statements' parameters
    TaskItem task = TaskItem.of(exchange);
    GroupSettings.Retry retry = groups.settings(task.group()).getRetry();
    int attempt = task.attempt();
    int maxAttempts = task.maxAttempts();
    boolean retryable =
        kind.retriedByDefault() || (kind == TaskFailureKind.BUSINESS && retry.isRetryBusiness());
    boolean willRetry = retryable && attempt < maxAttempts;

    String message = FailureText.describe(error);
    String what =
        error instanceof HandlerTimeoutException timeout
            ? "timeout of attempt " + attempt + " after " + timeout.timeout()
            : kind.name().toLowerCase() + " failure of attempt " + attempt;
    flow.stamp(exchange);
    in.setHeader(TaskConstants.ERROR_KIND, kind.name().toLowerCase());
    in.setHeader(TaskConstants.ERROR, message);
    in.setHeader(TaskConstants.RETRY, willRetry);
    if (willRetry) {
      long delay = retry.delayMillisAfter(attempt, ThreadLocalRandom.current().nextDouble());
      in.setHeader(TaskConstants.RUN_AT, Timestamp.from(flow.now().plusMillis(delay)));
      in.setHeader(TaskConstants.REASON, what + ", retry in " + delay + " ms");
    } else {
      in.setHeader(
          TaskConstants.REASON,
          what + (retryable ? ", out of attempts (" + maxAttempts + ")" : ", not retried"));
    }
    logOnce(task, in, kind, error, message);
  }

  /**
   * The one log line of a handler failure: expected kinds (transient, validation, business) at WARN
   * without a stack trace, unclassified (system) errors at ERROR with theirs. The text is sanitised
   * (no line breaks or control characters from the handler reach the log).
   */
  private static void logOnce(
      TaskItem task, Message in, TaskFailureKind kind, Throwable error, String message) {
    String id = task.id();
    String type = task.type();
    String reason = in.getHeader(TaskConstants.REASON, String.class);
    if (kind == TaskFailureKind.SYSTEM) {
      LOG.error(
          "Task {} ({}) failed with an unclassified error: {} [{}]",
          id,
          type,
          message,
          reason,
          error);
    } else {
      LOG.warn("Task {} ({}) failed: {} [{}]", id, type, message, reason);
    }
  }

  /** The notice on {@code taskqueue.dlq.<group>} for a dead-lettered task (also the rescue's). */
  static Map<String, Object> deadLetterMessage(Exchange exchange) {
    Message in = exchange.getIn();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", in.getHeader(TaskConstants.ID));
    body.put("type", in.getHeader(TaskConstants.TYPE));
    body.put("group", in.getHeader(TaskConstants.GROUP));
    body.put("attempts", in.getHeader(TaskConstants.ATTEMPT));
    body.put("errorKind", in.getHeader(TaskConstants.ERROR_KIND));
    body.put("error", in.getHeader(TaskConstants.ERROR));
    return body;
  }
}
