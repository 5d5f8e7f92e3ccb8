package io.taskqueue.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.BusinessPolicy;
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
  private final ErrorClassifier classifier;
  private final Completions completions;

  public FailureRoute(
      ResourceGroups groups,
      FlowSupport flow,
      StateWrites writes,
      FaultInjection faults,
      Failures failures,
      Alerts alerts,
      ErrorClassifier classifier,
      Completions completions) {
    this.alerts = alerts;
    this.classifier = classifier;
    this.completions = completions;
    this.writes = writes;
    this.faults = faults;
    this.failures = failures;
    this.groups = groups;
    this.flow = flow;
  }

  @Override
  public void configure() {
    // decided on the handler's thread, written in a batch with the other failures of the moment
    // (Failures), then, after the commit, the retry's message or the dead letter's notice. A
    // business failure whose type's policy is `complete` is no failure of the task: it is
    // completed with its error as the result, by the fenced complete write (Completions)
    from(Endpoints.TASK_FAILURE)
        .routeId("task-failure")
        .process(this::decide)
        .choice()
        .when(exchangeProperty(COMPLETES).isEqualTo(true))
        .process(completions::submitFailure)
        .otherwise()
        .process(failures::write)
        .end()
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

  /**
   * Exchange property: the failure completes the task ({@code running -> completed} with an error
   * result) instead of failing it: a business failure of a type whose policy is {@code complete}.
   */
  static final String COMPLETES = "TaskqueueFailureCompletes";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Sets the error, its class, the reason and what follows: a retry (and when), a dead letter, or
   * (a business failure of a type whose policy is {@code complete}) a completion with an error
   * result.
   */
  void decide(Exchange exchange) {
    Message in = exchange.getIn();
    Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    // the attempt as the worker acquired it; the Task* headers are the statements' parameters
    TaskItem task = TaskItem.of(exchange);
    TaskFailureKind kind = classifier.classify(task.group(), task.type(), error);
    GroupSettings.Retry retry = groups.settings(task.group()).getRetry();
    int attempt = task.attempt();
    int maxAttempts = task.maxAttempts();
    BusinessPolicy business =
        kind == TaskFailureKind.BUSINESS
            ? classifier.businessPolicy(task.group(), task.type())
            : null;
    boolean completes = business == BusinessPolicy.COMPLETE;
    boolean retryable = kind.retriedByDefault() || business == BusinessPolicy.RETRY;
    boolean willRetry = retryable && attempt < maxAttempts;

    String message = FailureText.describe(error);
    String what =
        error instanceof HandlerTimeoutException timeout
            ? "timeout of attempt " + attempt + " after " + timeout.timeout()
            : kind.wireName() + " failure of attempt " + attempt;
    flow.stamp(exchange);
    in.setHeader(TaskConstants.ERROR_KIND, kind.wireName());
    in.setHeader(TaskConstants.ERROR_CLASS, kind.wireName());
    in.setHeader(TaskConstants.ERROR, message);
    in.setHeader(TaskConstants.RETRY, willRetry);
    if (completes) {
      exchange.setProperty(COMPLETES, true);
      in.setHeader(TaskConstants.RESULT, errorResult(message, kind));
      in.setHeader(
          TaskConstants.REASON, what + ", completed with an error result (business: complete)");
    } else if (willRetry) {
      long delay =
          kind == TaskFailureKind.DATABASE
              ? retry.databaseDelayMillisAfter(attempt, ThreadLocalRandom.current().nextDouble())
              : retry.delayMillisAfter(attempt, ThreadLocalRandom.current().nextDouble());
      in.setHeader(TaskConstants.RUN_AT, Timestamp.from(flow.now().plusMillis(delay)));
      in.setHeader(TaskConstants.REASON, what + ", retry in " + delay + " ms");
    } else {
      in.setHeader(
          TaskConstants.REASON,
          what + (retryable ? ", out of attempts (" + maxAttempts + ")" : ", not retried"));
    }
    alerts.failed(task.group());
    if (kind == TaskFailureKind.SYSTEM) {
      systemFailure(task, message, in.getHeader(TaskConstants.REASON, String.class), error);
    } else {
      logOnce(task, in, message);
    }
  }

  /** The result of a task a business failure completed: {@code {"error": .., "errorClass": ..}}. */
  static String errorResult(String message, TaskFailureKind kind) {
    ObjectNode result = JSON.createObjectNode();
    result.put("error", message);
    result.put("errorClass", kind.wireName());
    return result.toString();
  }

  /**
   * The one log line of an expected handler failure (transient, database, validation, business): at
   * WARN without a stack trace. The text is sanitised (no line breaks or control characters from
   * the handler reach the log).
   */
  private static void logOnce(TaskItem task, Message in, String message) {
    String reason = in.getHeader(TaskConstants.REASON, String.class);
    LOG.warn("Task {} ({}) failed: {} [{}]", task.id(), task.type(), message, reason);
  }

  /**
   * The one place a system failure (an unclassified error) is reported, after it was decided
   * (retried with backoff, or dead-lettered when out of attempts): logged once at ERROR with its
   * stack trace, and raised as {@code alert.system-error} (once per quiet period and group).
   */
  private void systemFailure(TaskItem task, String message, String reason, Throwable error) {
    alerts.systemError(task.group(), task.type(), message);
    LOG.error(
        "Task {} ({}) failed with an unclassified error: {} [{}]",
        task.id(),
        task.type(),
        message,
        reason,
        error);
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
    body.put("errorClass", in.getHeader(TaskConstants.ERROR_CLASS));
    body.put("error", in.getHeader(TaskConstants.ERROR));
    return body;
  }
}
