package io.taskqueue.ingress;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.Endpoints;
import io.taskqueue.flow.EnqueueRoute;
import io.taskqueue.task.InvalidTaskException;
import io.taskqueue.task.TaskConstants;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The logic behind the ingress Kamelets of {@code connectors/*.kamelet.yaml} ({@code
 * taskqueue-message-source}, {@code taskqueue-file-source}). Their templates only bind a source
 * endpoint (and where rejects go) to these routes, so the built-in JMS and file ingress and an
 * integrator's SFTP folder or foreign queue run the same steps. What an accepted input leaves on
 * the exchange (header {@link #ENQUEUED}, and for a message the outcomes as body) is what the
 * Kamelets pass to their sink.
 *
 * <ul>
 *   <li>{@code direct:ingress-message}: a message of task JSON (one task or an array, all or
 *       nothing) is enqueued; an invalid one goes to the endpoint in property {@link #INVALID_URI}
 *       unchanged, with {@link #REJECT_REASON} and {@link #REJECT_FIELD} headers. A system failure
 *       (database down) is thrown back, so a transacted consumer rolls back and the broker
 *       redelivers: no message is ever dropped.
 *   <li>{@code direct:ingress-file}: a {@code *.json} file (one task or an array, all or nothing)
 *       or a {@code *.ndjson} file (one task per line, streamed, see {@link NdjsonIngress}). When
 *       anything was rejected a {@code <name>.reason} file is written to the endpoint in property
 *       {@link #REASON_URI} and the exchange fails, so the file consumer moves the file to its
 *       {@code moveFailed} folder.
 * </ul>
 */
@Component
public class IngressRoute extends RouteBuilder {

  /** Header of a rejected message: why it is not a task. */
  public static final String REJECT_REASON = "TaskqueueRejectReason";

  /** Header of a rejected message: the JSON field at fault, when one is. */
  public static final String REJECT_FIELD = "TaskqueueRejectField";

  /** Header of an accepted message or file: the number of tasks enqueued from it. */
  public static final String ENQUEUED = "TaskqueueEnqueued";

  /** Exchange property set by the message Kamelet: the endpoint rejected messages go to. */
  public static final String INVALID_URI = "TaskqueueInvalidUri";

  /** Exchange property set by the file Kamelet: the endpoint {@code .reason} files go to. */
  public static final String REASON_URI = "TaskqueueReasonUri";

  static final String ORIGINAL = "TaskqueueOriginalBody";
  static final String FILE_NAME = "TaskqueueFileName";

  private final NdjsonIngress ndjson;
  private final TaskQueueProperties properties;

  public IngressRoute(NdjsonIngress ndjson, TaskQueueProperties properties) {
    this.ndjson = ndjson;
    this.properties = properties;
  }

  @Override
  public void configure() {
    from(Endpoints.INGRESS_MESSAGE)
        .routeId("ingress-message")
        .errorHandler(noErrorHandler())
        // a client's JMSReplyTo must not make us send anywhere (not even to a group queue)
        .setExchangePattern(ExchangePattern.InOnly)
        // message properties a client set never steer the flow: Task*, Camel* (say
        // CamelJmsDestinationName or CamelSqlQuery), Artemis' own (_AMQ_SCHED_DELIVERY)
        .removeHeaders(TaskConstants.PREFIX + "*")
        .removeHeaders("Camel*")
        .removeHeaders("_AMQ*")
        .doTry()
        // an oversized message is refused before its body is read
        .process(this::checkMessage)
        .convertBodyTo(String.class, "UTF-8")
        .setProperty(ORIGINAL, body())
        .process(this::checkMessageText)
        .to(Endpoints.ENQUEUE_BATCH)
        // body: the [{id, status, group}] of the message's tasks
        .setHeader(ENQUEUED, simple("${body.size()}", Integer.class))
        .doCatch(InvalidTaskException.class)
        .process(IngressRoute::rejectMessage)
        .log(
            org.apache.camel.LoggingLevel.WARN,
            "io.taskqueue.ingress",
            "Rejected message ${header.JMSMessageID} to ${exchangeProperty."
                + INVALID_URI
                + "}: ${header."
                + REJECT_REASON
                + "}")
        .toD("${exchangeProperty." + INVALID_URI + "}")
        .end();

    from(Endpoints.INGRESS_FILE)
        .routeId("ingress-file")
        .errorHandler(noErrorHandler())
        .removeHeaders(TaskConstants.PREFIX + "*")
        .setProperty(FILE_NAME, header(Exchange.FILE_NAME_ONLY))
        .process(ndjson::start)
        .doTry()
        .to(Endpoints.INGRESS_FILE_CONTENT)
        .doCatch(Exception.class)
        // invalid input, or a failure after some lines were enqueued: the .reason says which
        .process(ndjson::failed)
        .end()
        .filter(ndjson::hasRejects)
        .setBody(ndjson::reasonText)
        .setHeader(Exchange.FILE_NAME, simple("${exchangeProperty." + FILE_NAME + "}.reason"))
        .toD("${exchangeProperty." + REASON_URI + "}")
        .process(ndjson::rejectFile)
        .end()
        .process(e -> e.getIn().setHeader(ENQUEUED, ndjson.enqueued(e)));

    from(Endpoints.INGRESS_FILE_CONTENT)
        .routeId("ingress-file-content")
        .errorHandler(untilStored())
        // invalid input: no retry and no log here, the .reason file and one WARN tell
        .onException(InvalidTaskException.class)
        .maximumRedeliveries(0)
        .logExhausted(false)
        .logRetryAttempted(false)
        .logStackTrace(false)
        .end()
        // empty and oversized files are refused before they are read
        .process(ndjson::checkSize)
        .choice()
        .when(exchangeProperty(FILE_NAME).endsWith(".ndjson"))
        .to(Endpoints.INGRESS_NDJSON)
        .otherwise()
        .convertBodyTo(String.class, "UTF-8")
        .to(Endpoints.ENQUEUE_BATCH)
        .process(ndjson::acceptedWhole)
        .end();

    // streamed: groups of lines, never the whole file, are in memory at a time
    from(Endpoints.INGRESS_NDJSON)
        .routeId("ingress-ndjson")
        .errorHandler(untilStored())
        // invalid input: no retry and no log here, the .reason file and one WARN tell
        .onException(InvalidTaskException.class)
        .maximumRedeliveries(0)
        .logExhausted(false)
        .logRetryAttempted(false)
        .logStackTrace(false)
        .end()
        // own line reader: a line past ndjson-line-max-bytes is skipped while it is read
        .split(method(ndjson, "chunks"))
        .streaming()
        .stopOnException()
        .process(ndjson::parseChunk)
        .filter(simple("${body.size} > 0"))
        .to(Endpoints.ENQUEUE_REQUESTS)
        .process(ndjson::enqueuedChunk)
        .end()
        .end();
  }

  /**
   * A system failure (database down) while a file is enqueued is retried until it passes (1 s, then
   * doubling up to 30 s), so the file waits in the inbox instead of going to {@code .error}; the
   * content-derived idempotency keys make every retry harmless. Invalid input is not retried. When
   * the application stops during an outage the file goes to {@code .error} with the error in its
   * {@code .reason}.
   */
  private org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition untilStored() {
    org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition handler =
        defaultErrorHandler();
    handler
        .maximumRedeliveries(-1)
        .redeliveryDelay(1000)
        .useExponentialBackOff()
        .backOffMultiplier(2)
        .maximumRedeliveryDelay(30_000)
        .retryWhile(method(IngressRoute.class, "systemFailure"))
        .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.WARN)
        .logRetryStackTrace(false)
        .logStackTrace(false)
        .logExhausted(false)
        .logHandled(false);
    return handler;
  }

  /** Whether the exchange failed for a reason other than its input (say, the database is down). */
  public static boolean systemFailure(Exchange exchange) {
    Exception e = exchange.getException();
    if (e == null) {
      e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }
    return e != null
        && org.apache.camel.util.ObjectHelper.getException(InvalidTaskException.class, e) == null;
  }

  /**
   * Gives the tasks of a JMS message the idempotency key {@code jms:<JMSMessageID>} (elements of an
   * array {@code jms:<id>/<index>}), so a message redelivered after a crash between the database
   * commit and its acknowledgement returns the tasks it created instead of creating them again; and
   * refuses a message over {@code inbox-message-max-bytes} from its size, before reading its body
   * (Artemis; other providers are checked once the text is read, see {@link #checkMessageText}).
   */
  private void checkMessage(Exchange exchange) {
    String messageId = exchange.getIn().getHeader("JMSMessageID", String.class);
    if (messageId != null && !messageId.isBlank()) {
      exchange.setProperty(EnqueueRoute.IDEMPOTENCY_KEY, "jms:" + messageId);
    }
    if (exchange.getIn() instanceof org.apache.camel.component.jms.JmsMessage jms
        && jms.getJmsMessage()
            instanceof org.apache.activemq.artemis.jms.client.ActiveMQMessage artemis) {
      long size = artemis.getCoreMessage().getBodySize();
      // Artemis stores text as UTF-16 (2 bytes per char): compare against twice the limit
      if (size > 2 * properties.getInboxMessageMaxBytes()) {
        throw tooLarge(size / 2 + " characters");
      }
    }
  }

  private void checkMessageText(Exchange exchange) {
    String text = exchange.getIn().getBody(String.class);
    if (text != null && text.length() > properties.getInboxMessageMaxBytes()) {
      long bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      if (bytes > properties.getInboxMessageMaxBytes()) {
        exchange.setProperty(ORIGINAL, null);
        throw tooLarge(bytes + " bytes");
      }
    }
  }

  private InvalidTaskException tooLarge(String size) {
    return new InvalidTaskException(
        null,
        "The message has "
            + size
            + ", more than the limit of "
            + properties.getInboxMessageMaxBytes()
            + " bytes (taskqueue.inbox-message-max-bytes); its body is not forwarded",
        413);
  }

  private static void rejectMessage(Exchange exchange) {
    InvalidTaskException error =
        org.apache.camel.util.ObjectHelper.getException(
            InvalidTaskException.class,
            exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    var in = exchange.getIn();
    in.removeHeaders(TaskConstants.PREFIX + "*");
    Object original = exchange.getProperty(ORIGINAL);
    in.setBody(original == null ? "" : original); // an oversized body is not forwarded
    in.setHeader(REJECT_REASON, error.getMessage());
    if (error.field() != null) {
      in.setHeader(REJECT_FIELD, error.field());
    }
  }
}
