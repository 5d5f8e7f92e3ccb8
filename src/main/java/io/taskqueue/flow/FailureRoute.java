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
 * task ({@code running -> failed -> dead_letter}, a message on {@code taskqueue.dlq.<group>}). The
 * state changes are written in batches by {@link Failures}; messages follow the commit.
 */
@Component
public class FailureRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(FailureRoute.class);

  private final ResourceGroups groups;
  private final FlowSupport flow;
  private final StateWrites writes;
  private final FaultInjection faults;
  private final Failures failures;
  private final Alerts alerts;

  public FailureRoute(
      ResourceGroups groups,
      FlowSupport flow,
      StateWrites writes,
      FaultInjection faults,
      Failures failures,
      Alerts alerts) {
    this.alerts = alerts;
    this.writes = writes;
    this.faults = faults;
    this.failures = failures;
    this.groups = groups;
    this.flow = flow;
  }

  @Override
  public void configure() {
    // decided on the handler's thread, written in a batch with the other failures of the moment
    // (Failures), then, after the commit, the retry's message or the dead letter's notice
    from(Endpoints.TASK_FAILURE)
        .routeId("task-failure")
        .process(this::decide)
        .process(failures::write)
        .choice()
        .when(exchangeProperty(Failures.REQUEUED).isEqualTo(true))
        .to(Endpoints.RETRY_PUBLISH)
        .when(exchangeProperty(Failures.DEAD_LETTERED).isEqualTo(true))
        .to(Endpoints.DEAD_LETTER_NOTICE)
        .end();

    // one transaction for a batch of failures: one JDBC batch per statement; a short update count
    // (an attempt fenced out) rolls it back and Failures writes each alone
    from(Endpoints.FAIL_BATCH)
        .routeId("fail-batch")
        .transacted("dbTx")
        .setBody(exchangeProperty(Failures.FAIL_ROWS))
        .to(writes.uri(StateWrite.FAIL, "batch=true"))
        .process(e -> Failures.expectAll(e, Failures.FAIL_ROWS))
        .filter(simple("${exchangeProperty." + Failures.REQUEUE_ROWS + ".size} > 0"))
        .setBody(exchangeProperty(Failures.REQUEUE_ROWS))
        .to(writes.uri(StateWrite.REQUEUE, "batch=true"))
        .process(e -> Failures.expectAll(e, Failures.REQUEUE_ROWS))
        .end()
        .filter(simple("${exchangeProperty." + Failures.DEAD_LETTER_ROWS + ".size} > 0"))
        .setBody(exchangeProperty(Failures.DEAD_LETTER_ROWS))
        .to(writes.uri(StateWrite.DEAD_LETTER, "batch=true"))
        .process(e -> Failures.expectAll(e, Failures.DEAD_LETTER_ROWS))
        .end();

    // one failure alone (Failures, after a batch with an attempt fenced out): exact outcomes
    from(Endpoints.RETRY_WRITE)
        .routeId("retry-write")
        .transacted("dbTx")
        .process(StateWrite.FAIL.transition())
        .to(writes.uri(StateWrite.FAIL))
        // 0 rows: the lease was rescued meanwhile and this attempt no longer owns the task
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .process(StateWrite.REQUEUE.transition())
        .to(writes.uri(StateWrite.REQUEUE))
        .setProperty(Failures.REQUEUED, constant(true))
        .end();

    from(Endpoints.DEAD_LETTER_WRITE)
        .routeId("dead-letter-write")
        .transacted("dbTx")
        .process(StateWrite.FAIL.transition())
        .to(writes.uri(StateWrite.FAIL))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .process(StateWrite.DEAD_LETTER.transition())
        .to(writes.uri(StateWrite.DEAD_LETTER))
        .setProperty(Failures.DEAD_LETTERED, constant(true))
        .end();

    // the retry's message is sent after its database commit, as by the redrive: sent inside the
    // transaction it would commit after the database (Spring commits a bound JMS session last), and
    // a broker that died in between left a pending task without a message until stale-after (1 h).
    // The row says published = FALSE until the send, and the rescue resends what was not sent
    from(Endpoints.RETRY_PUBLISH)
        .routeId("retry-publish")
        .process(e -> faults.at(FaultInjection.RETRY_AFTER_DB_COMMIT))
        .to(Endpoints.PUBLISH)
        .to(writes.uri(StateWrite.MARK_PUBLISHED));

    // the dead letter's event and notice follow its commit too. Sent inside the transaction, a
    // broker failure rolled the dead letter back and left the task running until the lease rescue
    // dead-lettered it with the reason "lease expired" instead of the handler's error (and an
    // event could announce a dead letter that then rolled back)
    from(Endpoints.DEAD_LETTER_NOTICE)
        .routeId("dead-letter-notice")
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
                + "?disableReplyTo=true&jmsMessageType=Text");
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
    alerts.failed(task.group());
    if (kind == TaskFailureKind.SYSTEM) {
      alerts.systemError(task.group(), task.type(), message);
    }
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
