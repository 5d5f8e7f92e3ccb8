package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.InvalidTaskException;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskIds;
import io.taskqueue.task.TaskRequest;
import io.taskqueue.task.TaskRequestParser;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * Enqueue: {@code direct:enqueue} takes the JSON text of one task and answers {@code {id, status,
 * group}}; {@code direct:enqueue-batch} takes a JSON array (or one object) and answers the list of
 * them, all or nothing. Every ingress path (HTTP, JMS, files, connectors) ends in one of the two.
 *
 * <p>Validate every element → id → resource group (content-based router: explicit group, routing
 * rules on the type, default group) → then, in one database transaction, persist each task {@code
 * pending} and publish it to its group's queue → {@code task.created} event. Invalid input throws
 * {@link InvalidTaskException} before anything is written or sent.
 *
 * <p>Idempotency: a task with a key already stored inserts nothing ({@code ON CONFLICT DO NOTHING},
 * so the unique index decides, also between concurrent requests), publishes nothing, and answers
 * the first task with its current status. {@link #CREATED} counts the tasks really created, so the
 * HTTP API can answer 202 or 200.
 */
@Component
public class EnqueueRoute extends RouteBuilder {

  static final String REQUEST = "TaskRequest";

  /** Header: {@link #requestHash}, stored with the task to recognise a reused idempotency key. */
  static final String REQUEST_HASH = "TaskRequestHash";

  /** Exchange property: the input was a batch, so error fields name the element ({@code [3].}). */
  static final String BATCH = "TaskqueueBatch";

  /**
   * Exchange property an ingress sets to a client's idempotency key given outside the JSON (the
   * HTTP {@code Idempotency-Key} header). A key in the JSON wins; in a batch, element {@code i}
   * gets {@code <key>/<i>}, so a repeated batch returns the same tasks.
   */
  public static final String IDEMPOTENCY_KEY = "TaskqueueIdempotencyKey";

  /** Exchange property: an {@link AtomicInteger} of the tasks this enqueue really created. */
  public static final String CREATED = "TaskqueueCreated";

  /** Exchange property: id, type and group of each created task, announced after the commit. */
  static final String CREATED_TASKS = "TaskqueueCreatedTasks";

  private final TaskRequestParser parser;
  private final ResourceGroups groups;
  private final FlowSupport flow;
  private final FaultInjection faults;

  public EnqueueRoute(
      TaskRequestParser parser, ResourceGroups groups, FlowSupport flow, FaultInjection faults) {
    this.parser = parser;
    this.groups = groups;
    this.flow = flow;
    this.faults = faults;
  }

  @Override
  public void configure() {
    from("direct:enqueue")
        .routeId("enqueue")
        // errors go back to the caller (the API answers 400, JMS ingress moves the message aside)
        .errorHandler(noErrorHandler())
        // nothing a client sent as a header may steer the flow
        .removeHeaders(TaskConstants.PREFIX + "*")
        .process(e -> e.getIn().setBody(List.of(withKey(e, parser.parseOne(text(e)), null))))
        .to("direct:enqueue-requests")
        .setBody(e -> e.getIn().getBody(List.class).get(0));

    from("direct:enqueue-batch")
        .routeId("enqueue-batch")
        .errorHandler(noErrorHandler())
        .removeHeaders(TaskConstants.PREFIX + "*")
        .process(this::parseMany)
        .to("direct:enqueue-requests");

    // a List<TaskRequest> in (already parsed: the NDJSON file ingress validates line by line)
    from("direct:enqueue-requests")
        .routeId("enqueue-requests")
        .errorHandler(noErrorHandler())
        .setProperty(CREATED, AtomicInteger::new)
        .setProperty(CREATED_TASKS, () -> Collections.synchronizedList(new ArrayList<>()))
        // every element is validated and routed before the first write: a bad one sends nothing
        .split(body(), collectBodies())
        .stopOnException()
        .to("direct:prepare-task")
        .end()
        .to("direct:persist-tasks")
        // committed (the reply or an inbox acknowledgement is not yet sent)
        .process(e -> faults.at(FaultInjection.AFTER_DB_COMMIT))
        // now announce them (a rolled-back batch announces nothing)
        .split(exchangeProperty(CREATED_TASKS))
        .process(e -> e.getIn().setHeaders(e.getIn().getBody(Map.class)))
        .setHeader(TaskConstants.EVENT, constant("task.created"))
        .to("direct:task-event")
        .end();

    from("direct:prepare-task")
        .routeId("prepare-task")
        .errorHandler(noErrorHandler())
        .process(e -> e.setProperty(REQUEST, e.getIn().getBody(TaskRequest.class)))
        .process(this::assignId)
        .choice()
        .when(e -> request(e).group() != null)
        .process(this::explicitGroup)
        .when(method(groups, "routeByType(${header.TaskType})").isNotNull())
        .setHeader(TaskConstants.GROUP, method(groups, "routeByType(${header.TaskType})"))
        .otherwise()
        .setHeader(TaskConstants.GROUP, constant(groups.defaultGroup()))
        .end()
        .process(this::groupDefaults)
        .setBody(e -> new LinkedHashMap<>(e.getIn().getHeaders()));

    // one transaction for all tasks of the request: all stored and published, or none stored
    from("direct:persist-tasks")
        .routeId("persist-tasks")
        .transacted("dbTx")
        .split(body(), collectBodies())
        .stopOnException()
        .process(e -> e.getIn().setHeaders(e.getIn().getBody(Map.class)))
        .to("direct:persist-task")
        .end()
        // every message of the request in one broker commit, before the database commit
        .to("bean:brokerSends?method=commitBeforeDatabase");

    from("direct:persist-task")
        .routeId("persist-task")
        .transacted("dbTx")
        .process(FlowSupport::clearBody)
        .process(Transition.create())
        .to(sql("insert_task", ""))
        .choice()
        .when(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
        .to("direct:repeated-task")
        .otherwise()
        // sent (and committed by persist-tasks) before the database commit: a committed pending
        // task always has its message on the broker; never on a JMS consumer's session
        .to("direct:publish-enqueued")
        .process(EnqueueRoute::created)
        .setBody(EnqueueRoute::accepted)
        .end();

    // the key is stored already: answer that task, send nothing
    from("direct:repeated-task")
        .routeId("repeated-task")
        .errorHandler(noErrorHandler())
        .to(sql("find_by_idempotency_key", "outputType=SelectOne"))
        .process(EnqueueRoute::repeated);
  }

  private static String text(Exchange exchange) {
    return exchange.getIn().getBody(String.class);
  }

  private void parseMany(Exchange exchange) {
    exchange.setProperty(BATCH, true);
    List<TaskRequest> requests = parser.parseMany(text(exchange));
    List<TaskRequest> keyed = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      keyed.add(withKey(exchange, requests.get(i), i));
    }
    exchange.getIn().setBody(keyed, List.class);
  }

  /** The request with the ingress' idempotency key, unless the JSON has its own. */
  private static TaskRequest withKey(Exchange exchange, TaskRequest request, Integer index) {
    String key = exchange.getProperty(IDEMPOTENCY_KEY, String.class);
    if (key == null || request.idempotencyKey() != null) {
      return request;
    }
    String derived = index == null ? key : key + "/" + index;
    TaskRequestParser.validateIdempotencyKey(derived, "Idempotency-Key");
    return request.withIdempotencyKey(derived);
  }

  static TaskRequest request(Exchange exchange) {
    return exchange.getProperty(REQUEST, TaskRequest.class);
  }

  private void assignId(Exchange exchange) {
    TaskRequest request = request(exchange);
    Message in = exchange.getIn();
    in.setHeader(TaskConstants.ID, TaskIds.next().toString());
    in.setHeader(TaskConstants.TYPE, request.type());
    in.setHeader(TaskConstants.PAYLOAD, request.payloadJson());
    in.setHeader(
        TaskConstants.PRIORITY,
        request.priority() == null ? TaskRequest.DEFAULT_PRIORITY : request.priority());
    in.setHeader(
        TaskConstants.RUN_AT, request.runAt() == null ? null : Timestamp.from(request.runAt()));
    in.setHeader(TaskConstants.IDEMPOTENCY_KEY, request.idempotencyKey());
    in.setHeader(REQUEST_HASH, requestHash(request));
    in.setHeader(TaskConstants.REASON, "enqueued");
    flow.stamp(exchange);
  }

  private void explicitGroup(Exchange exchange) {
    String group = request(exchange).group();
    boolean batch = exchange.getProperty(BATCH, false, Boolean.class);
    checkGroup(group, batch ? exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class) : null);
    exchange.getIn().setHeader(TaskConstants.GROUP, group);
  }

  /**
   * Fails unless {@code group} (an explicit group of element {@code index}, null for a single task)
   * is configured. Callers that validate ahead of the enqueue (NDJSON lines) use it too.
   */
  public void checkGroup(String group, Integer index) {
    if (group != null && !groups.isKnown(group)) {
      throw new InvalidTaskException(
          index == null ? "group" : "[" + index + "].group",
          "Unknown group '" + group + "'; configured groups: " + groups.names());
    }
  }

  private void groupDefaults(Exchange exchange) {
    GroupSettings settings =
        groups.settings(exchange.getIn().getHeader(TaskConstants.GROUP, String.class));
    Integer maxAttempts = request(exchange).maxAttempts();
    exchange
        .getIn()
        .setHeader(
            TaskConstants.MAX_ATTEMPTS,
            maxAttempts != null ? maxAttempts : settings.getRetry().getMaxAttempts());
  }

  /** Remembers a created task for its {@code task.created} event after the commit. */
  @SuppressWarnings("unchecked")
  private static void created(Exchange exchange) {
    Message in = exchange.getIn();
    exchange.getProperty(CREATED, AtomicInteger.class).incrementAndGet();
    exchange
        .getProperty(CREATED_TASKS, List.class)
        .add(
            Map.of(
                TaskConstants.ID, in.getHeader(TaskConstants.ID),
                TaskConstants.TYPE, in.getHeader(TaskConstants.TYPE),
                TaskConstants.GROUP, in.getHeader(TaskConstants.GROUP)));
  }

  private static Map<String, Object> accepted(Exchange exchange) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", exchange.getIn().getHeader(TaskConstants.ID));
    reply.put("status", TaskStatus.INITIAL.dbValue());
    reply.put("group", exchange.getIn().getHeader(TaskConstants.GROUP));
    return reply;
  }

  /**
   * A hash of everything a request asks for except its idempotency key: two requests with the same
   * key and the same hash are the same request (a retry), else the key was reused by mistake.
   */
  static String requestHash(TaskRequest request) {
    try {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      for (Object part :
          new Object[] {
            request.type(),
            request.payloadJson(),
            request.priority(),
            request.group(),
            request.runAt(),
            request.maxAttempts()
          }) {
        // length-prefixed, so no two different requests run together into the same bytes
        byte[] bytes = String.valueOf(part).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        digest.update(
            java.nio.ByteBuffer.allocate(4).putInt(part == null ? -1 : bytes.length).array());
        digest.update(bytes);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static void repeated(Exchange exchange) {
    Map<?, ?> first = exchange.getIn().getBody(Map.class);
    if (first == null) {
      // H2 only: a concurrent request with the same key has not committed yet (PostgreSQL waits
      // for it inside the INSERT, so there the first task is always visible here)
      throw new InvalidTaskException(
          "idempotencyKey",
          "A request with the same idempotency key is in progress; retry it in a moment",
          409);
    }
    Object stored = first.get("requestHash");
    if (stored != null && !stored.equals(exchange.getIn().getHeader(REQUEST_HASH))) {
      boolean batch = exchange.getProperty(BATCH, false, Boolean.class);
      Integer index = batch ? exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class) : null;
      throw new InvalidTaskException(
          index == null ? "idempotencyKey" : "[" + index + "].idempotencyKey",
          "The idempotency key '"
              + exchange.getIn().getHeader(TaskConstants.IDEMPOTENCY_KEY)
              + "' was used before for a different request (task "
              + first.get("id")
              + "); a retry must repeat the request exactly, a new task needs a new key",
          409);
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", String.valueOf(first.get("id")));
    reply.put("status", first.get("status"));
    reply.put("group", first.get("group"));
    exchange.getIn().setBody(reply);
  }

  /** Collects the bodies of split parts into a list, in order. */
  static AggregationStrategy collectBodies() {
    return (oldExchange, newExchange) -> {
      Object body = newExchange.getIn().getBody();
      if (oldExchange == null) {
        List<Object> all = new ArrayList<>();
        all.add(body);
        newExchange.getIn().setBody(all);
        return newExchange;
      }
      @SuppressWarnings("unchecked")
      List<Object> all = oldExchange.getIn().getBody(List.class);
      all.add(body);
      return oldExchange;
    };
  }
}
