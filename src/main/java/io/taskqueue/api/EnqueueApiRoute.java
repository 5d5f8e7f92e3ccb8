package io.taskqueue.api;

import io.taskqueue.api.schema.Accepted;
import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.TaskInput;
import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.Endpoints;
import io.taskqueue.flow.EnqueueRoute;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Enqueue over HTTP: {@code POST /api/tasks} (one task) and {@code POST /api/tasks/batch} (a JSON
 * array, all or nothing). 202 when a task was created, 200 when an {@code Idempotency-Key} (header
 * or field) named tasks that exist already; 415 unless the body is JSON, 413 past the size limit.
 */
@Component
public class EnqueueApiRoute extends RouteBuilder {

  /** Room for the fields around the payload; the payload itself is limited by the parser. */
  static final int ENVELOPE_BYTES = 16_384;

  /** The HTTP header that makes a repeated enqueue return the first task. */
  public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  private final TaskQueueProperties properties;
  private final ApiResponses responses;

  public EnqueueApiRoute(TaskQueueProperties properties, ApiResponses responses) {
    this.properties = properties;
    this.responses = responses;
  }

  @Override
  public void configure() {
    rest("/api/tasks")
        .post("/batch") // no consumes(): see TaskApiRoute, the route answers 415 itself
        .id("enqueueTasks")
        .description("Enqueues a JSON array of tasks, all or nothing")
        .type(TaskInput[].class)
        .outType(Accepted[].class)
        .produces("application/json")
        .responseMessage()
        .code(202)
        .message("Created: one answer per element, in order")
        .responseModel(Accepted[].class)
        .endResponseMessage()
        .responseMessage()
        .code(200)
        .message("Every element named an existing task by its idempotency key")
        .responseModel(Accepted[].class)
        .endResponseMessage()
        .responseMessage()
        .code(400)
        .message("An invalid element; field names it, e.g. [3].priority; nothing was enqueued")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(409)
        .message("An idempotency key was used for a different request")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(413)
        .message("The body or the task count is over its configured limit")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(415)
        .message("The body is not JSON")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-enqueue-batch");

    // the filter enforces the same limits while reading; these cover direct calls of the routes
    enqueueRoute(
        "api-enqueue",
        Endpoints.ENQUEUE,
        RequestBodyLimitFilter.forTask(properties.getPayloadMaxBytes()));
    // a batch may hold many payloads: the limit is the body's, each payload keeps its own
    enqueueRoute(
        "api-enqueue-batch",
        Endpoints.ENQUEUE_BATCH,
        new RequestBodyLimitFilter.Limit(
            properties.getBatchMaxBytes(),
            "POST /api/tasks/batch (taskqueue.batch-max-bytes = "
                + properties.getBatchMaxBytes()
                + ")"));
  }

  private void enqueueRoute(String id, String enqueue, RequestBodyLimitFilter.Limit limit) {
    from("direct:" + id)
        .routeId(id)
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(e -> readRequest(e, limit, enqueue.equals(Endpoints.ENQUEUE)))
        .to(enqueue)
        .process(this::answer);
  }

  /**
   * Checks the content type (415), moves the {@code Idempotency-Key} header into the exchange,
   * reads the body (413 past the limit) and drops every HTTP header: no client header (say {@code
   * CamelSqlQuery} or {@code TaskGroup}) reaches the flow.
   */
  private static void readRequest(
      Exchange exchange, RequestBodyLimitFilter.Limit limit, boolean single) throws Exception {
    String contentType = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
    if (!isJson(contentType)) {
      // normally answered by JsonContentTypeFilter already; this covers direct calls of the route
      throw new ApiException(415, notJsonMessage(contentType));
    }
    String key = exchange.getIn().getHeader(IDEMPOTENCY_KEY_HEADER, String.class);
    if (key != null) {
      exchange.setProperty(EnqueueRoute.IDEMPOTENCY_KEY, key);
    }
    String body = readBody(exchange, limit);
    if (single && body != null && body.stripLeading().startsWith("[")) {
      throw new ApiException(
          400,
          "POST /api/tasks takes one task, a JSON object; send a JSON array of tasks to"
              + " POST /api/tasks/batch");
    }
    exchange.getIn().removeHeaders("*");
    exchange.getIn().setBody(body);
  }

  /** The request body as UTF-8 text, refused with 413 past {@code limit} bytes. */
  static String readBody(Exchange exchange, RequestBodyLimitFilter.Limit limit) throws IOException {
    Long declared = exchange.getIn().getHeader(Exchange.CONTENT_LENGTH, Long.class);
    if (declared != null && declared > limit.bytes()) {
      throw new ApiException(413, limit.refusal());
    }
    byte[] bytes;
    Object body = exchange.getIn().getBody();
    if (body instanceof InputStream stream) {
      bytes = stream.readNBytes((int) limit.bytes() + 1);
    } else {
      bytes = exchange.getIn().getBody(byte[].class);
    }
    if (bytes == null) {
      return null;
    }
    if (bytes.length > limit.bytes()) {
      throw new ApiException(413, limit.refusal());
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static String notJsonMessage(String contentType) {
    return "Content-Type must be application/json, not "
        + (contentType == null ? "missing" : "'" + contentType + "'");
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mime.equals("application/json")
        || (mime.startsWith("application/") && mime.endsWith("+json"));
  }

  private void answer(Exchange exchange) {
    AtomicInteger created = exchange.getProperty(EnqueueRoute.CREATED, AtomicInteger.class);
    int status = created != null && created.get() == 0 ? 200 : 202;
    responses.json(exchange, status, exchange.getMessage().getBody());
  }
}
