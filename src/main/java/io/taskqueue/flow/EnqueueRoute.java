package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.InvalidTaskException;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskIds;
import io.taskqueue.task.TaskRequest;
import io.taskqueue.task.TaskRequestParser;
import io.taskqueue.task.TaskStatus;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
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
 * rules on the type, default group), all in the caller's thread → then, in one database transaction
 * shared with the requests that queued up meanwhile ({@link EnqueueCommits}, group commit), persist
 * the tasks {@code pending} with one JDBC batch and publish them to their groups' queues with one
 * broker commit → {@code task.created} events. Invalid input throws {@link InvalidTaskException}
 * before anything is written or sent.
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

  /** Exchange property of a group commit: the rows it inserted, published and announced. */
  static final String CREATED_TASKS = "TaskqueueCreatedTasks";

  /** Exchange property of a group commit: the task rows of all its requests, in order. */
  static final String ROWS = "TaskqueueGroupRows";

  /** Exchange property of a group commit: the stored tasks of its idempotency keys, by key. */
  static final String STORED = "TaskqueueStoredByKey";

  /** Header: the idempotency keys of a group commit, for {@code find_by_idempotency_keys}. */
  static final String IDEMPOTENCY_KEYS = "TaskIdempotencyKeys";

  private final TaskRequestParser parser;
  private final ResourceGroups groups;
  private final FlowSupport flow;
  private final FaultInjection faults;
  private final StateWrites writes;
  private final EnqueueCommits commits;

  public EnqueueRoute(
      TaskRequestParser parser,
      ResourceGroups groups,
      FlowSupport flow,
      FaultInjection faults,
      EnqueueCommits commits,
      StateWrites writes) {
    this.writes = writes;
    this.parser = parser;
    this.groups = groups;
    this.flow = flow;
    this.faults = faults;
    this.commits = commits;
  }

  @Override
  public void configure() {
    from(Endpoints.ENQUEUE)
        .routeId("enqueue")
        // errors go back to the caller (the API answers 400, JMS ingress moves the message aside)
        .errorHandler(noErrorHandler())
        // nothing a client sent as a header may steer the flow
        .removeHeaders(TaskConstants.PREFIX + "*")
        .process(e -> e.getIn().setBody(List.of(withKey(e, parser.parseOne(text(e)), null))))
        .to(Endpoints.ENQUEUE_REQUESTS)
        .setBody(e -> e.getIn().getBody(List.class).get(0));

    from(Endpoints.ENQUEUE_BATCH)
        .routeId("enqueue-batch")
        .errorHandler(noErrorHandler())
        .removeHeaders(TaskConstants.PREFIX + "*")
        .process(this::parseMany)
        .to(Endpoints.ENQUEUE_REQUESTS);

    // a List<TaskRequest> in (already parsed: the NDJSON file ingress validates line by line)
    from(Endpoints.ENQUEUE_REQUESTS)
        .routeId("enqueue-requests")
        .errorHandler(noErrorHandler())
        .setProperty(CREATED, AtomicInteger::new)
        // every element is validated and routed before the first write: a bad one sends nothing
        .split(body(), collectBodies())
        .stopOnException()
        .to(Endpoints.PREPARE_TASK)
        .end()
        // stored and published together with the requests that queued up meanwhile (group
        // commit); answered when that commit is durable, with this request's own outcome
        .process(commits::write);

    from(Endpoints.PREPARE_TASK)
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
        .process(StateWrite.INSERT_TASK.transition())
        .setBody(e -> new LinkedHashMap<>(e.getIn().getHeaders()));

    // called by a writer of EnqueueCommits with the requests of one group commit (property
    // EnqueueCommits.REQUESTS); a failure before the commit makes it redo each request alone
    from(Endpoints.ENQUEUE_GROUP)
        .routeId("enqueue-group")
        .errorHandler(noErrorHandler())
        .to(Endpoints.PERSIST_GROUP)
        // committed, first on the broker, then in the database (no reply is sent yet)
        .setProperty(EnqueueCommits.COMMITTED, constant(true))
        .process(e -> faults.at(FaultInjection.AFTER_DB_COMMIT))
        // now announce them (a rolled-back group announces nothing)
        .setHeader(TaskConstants.EVENT, constant("task.created"))
        .setBody(exchangeProperty(CREATED_TASKS))
        .to(Endpoints.TASK_EVENTS);

    // one transaction for every task of the group: one JDBC batch of inserts, one broker commit
    from(Endpoints.PERSIST_GROUP)
        .routeId("persist-group")
        // a failure goes back to the writer, which redoes the requests alone or answers it
        .errorHandler(noErrorHandler())
        .transacted("dbTx")
        .process(EnqueueRoute::groupRows)
        .to(writes.uri(StateWrite.INSERT_TASK, "batch=true"))
        // fewer rows than tasks (or a driver that does not count them, as pgjdbc with
        // reWriteBatchedInserts): some idempotency keys may be stored already, find out which
        .choice()
        .when(e -> updateCount(e) != rows(e).size() && !keys(e).isEmpty())
        .to(Endpoints.REPEATED_TASKS)
        .end()
        // each request's answer, or the error of the first request with a problem
        .process(EnqueueRoute::answers)
        // sent (and committed below) before the database commit: a committed pending task
        // always has its message on the broker; never on a JMS consumer's session
        .split(exchangeProperty(CREATED_TASKS))
        .process(e -> e.getIn().setHeaders(e.getIn().getBody(Map.class)))
        .to(Endpoints.PUBLISH_ENQUEUED)
        .end()
        // every message of the group in one broker commit, before the database commit
        .to("bean:brokerSends?method=commitBeforeDatabase");

    // the tasks of the group's idempotency keys, as this transaction sees them
    from(Endpoints.REPEATED_TASKS)
        .routeId("repeated-tasks")
        .errorHandler(noErrorHandler())
        .process(e -> e.getIn().setHeader(IDEMPOTENCY_KEYS, keys(e)))
        .setBody(constant(null))
        .to(sql("find_by_idempotency_keys", "outputType=SelectList"))
        .process(e -> e.setProperty(STORED, storedByKey(e)));
  }

  /** The task rows of all requests of the group, in order: the JDBC batch's parameters. */
  private static void groupRows(Exchange exchange) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (EnqueueCommits.Request request : requests(exchange)) {
      rows.addAll(request.rows());
    }
    exchange.setProperty(ROWS, rows);
    exchange.getIn().setBody(rows);
  }

  @SuppressWarnings("unchecked")
  private static List<EnqueueCommits.Request> requests(Exchange exchange) {
    return exchange.getProperty(EnqueueCommits.REQUESTS, List.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Exchange exchange) {
    return exchange.getProperty(ROWS, List.class);
  }

  /** Rows the JDBC batch inserted (camel-sql sums the batch's update counts). */
  private static int updateCount(Exchange exchange) {
    Integer count = exchange.getIn().getHeader(SqlConstants.SQL_UPDATE_COUNT, Integer.class);
    return count == null ? -1 : count;
  }

  /** The idempotency keys of the group's rows (only a keyed row can conflict). */
  private static List<String> keys(Exchange exchange) {
    List<String> keys = new ArrayList<>();
    for (Map<String, Object> row : rows(exchange)) {
      Object key = row.get(TaskConstants.IDEMPOTENCY_KEY);
      if (key != null) {
        keys.add(key.toString());
      }
    }
    return keys;
  }

  private static Map<String, Map<?, ?>> storedByKey(Exchange exchange) {
    Map<String, Map<?, ?>> stored = new HashMap<>();
    for (Object row : exchange.getIn().getBody(List.class)) {
      Map<?, ?> r = (Map<?, ?>) row;
      stored.put(String.valueOf(r.get("key")), r);
    }
    return stored;
  }

  /**
   * Sets {@link EnqueueCommits#OUTCOMES} (each request's replies and created count) and {@link
   * #CREATED_TASKS} (the rows inserted, to publish and announce). When some rows were not inserted
   * ({@link #STORED} is set): a keyed row is ours when the stored task of its key has its id; else
   * the key named an earlier task, which answers the request when the request is the same (same
   * hash), and is a 409 otherwise. The first request with a problem fails the whole group: its
   * writer rolls back and redoes each request alone, so only that one gets the error.
   */
  @SuppressWarnings("unchecked")
  private static void answers(Exchange exchange) {
    Map<String, Map<?, ?>> stored = exchange.getProperty(STORED, Map.class);
    List<EnqueueCommits.Outcome> outcomes = new ArrayList<>();
    List<Map<String, Object>> created = new ArrayList<>();
    for (EnqueueCommits.Request request : requests(exchange)) {
      List<Map<String, Object>> replies = new ArrayList<>(request.rows().size());
      int createdHere = 0;
      for (int i = 0; i < request.rows().size(); i++) {
        Map<String, Object> row = request.rows().get(i);
        Object key = row.get(TaskConstants.IDEMPOTENCY_KEY);
        Map<?, ?> first = stored == null || key == null ? null : stored.get(key.toString());
        if (stored == null
            || key == null
            || (first != null && row.get(TaskConstants.ID).equals(first.get("id")))) {
          created.add(row);
          createdHere++;
          replies.add(accepted(row));
        } else {
          replies.add(repeated(row, first, request.batch() ? i : null));
        }
      }
      outcomes.add(new EnqueueCommits.Outcome(replies, createdHere, null));
    }
    // a keyed row whose stored task has our id may also be from an earlier attempt of this very
    // request (a commit whose answer was lost, then redone): it is ours all the same, and is
    // published again (a duplicate message is skipped by the workers)
    int inserted = updateCount(exchange);
    if (inserted > created.size()
        || (stored == null && inserted >= 0 && inserted != created.size())) {
      throw new IllegalStateException(
          "The insert stored "
              + inserted
              + " tasks, the idempotency keys account for "
              + created.size());
    }
    exchange.setProperty(EnqueueCommits.OUTCOMES, outcomes);
    exchange.setProperty(CREATED_TASKS, created);
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

  private static Map<String, Object> accepted(Map<String, Object> row) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", row.get(TaskConstants.ID));
    reply.put("status", TaskStatus.INITIAL.dbValue());
    reply.put("group", row.get(TaskConstants.GROUP));
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

  /**
   * The answer to a task whose idempotency key named {@code first} (null: not visible): that task,
   * when the request is the same; else a 409. {@code index}: the element of a batch, else null.
   */
  private static Map<String, Object> repeated(
      Map<String, Object> row, Map<?, ?> first, Integer index) {
    if (first == null) {
      // H2 only: a concurrent request with the same key has not committed yet (PostgreSQL waits
      // for it inside the INSERT, so there the first task is always visible here)
      throw new InvalidTaskException(
          "idempotencyKey",
          "A request with the same idempotency key is in progress; retry it in a moment",
          409);
    }
    Object stored = first.get("requestHash");
    if (stored != null && !stored.equals(row.get(REQUEST_HASH))) {
      throw new InvalidTaskException(
          index == null ? "idempotencyKey" : "[" + index + "].idempotencyKey",
          "The idempotency key '"
              + row.get(TaskConstants.IDEMPOTENCY_KEY)
              + "' was used before for a different request (task "
              + first.get("id")
              + "); a retry must repeat the request exactly, a new task needs a new key",
          409);
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", String.valueOf(first.get("id")));
    reply.put("status", first.get("status"));
    reply.put("group", first.get("group"));
    return reply;
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
