package io.taskqueue.flow;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Operator commands on many tasks of one resource group at once, for the API ({@code POST
 * /api/groups/{name}/redrive|cancel|purge}) and integrators' routes alike. The body is a {@link
 * BulkRequest}; the answer (body) is how many tasks the command changed, a {@code Long}. The
 * caller's headers are left as they were.
 *
 * <ul>
 *   <li>{@code direct:bulk-redrive}: {@code dead_letter -> pending} for the group's dead letters,
 *       filtered by type and a window on {@code updated_at}, each with a full set of attempts (like
 *       {@code direct:redrive}); after each chunk's commit (published = FALSE) the messages are
 *       sent and marked published by {@code direct:republish}, the rescue's own step, so a crash in
 *       between leaves them to the rescue; then the {@code task.redriven} events.
 *   <li>{@code direct:bulk-cancel}: {@code pending -> cancelled} for the group's pending tasks
 *       (delayed ones too), filtered by type and a window on {@code created_at}; after each chunk's
 *       commit their queued messages are taken off the broker with one request ({@link
 *       ScheduledMessages#removeAll}; should that fail, the worker skips them), then the {@code
 *       task.cancelled} events.
 *   <li>{@code direct:bulk-purge}: deletes the group's tasks in the requested finished states
 *       (completed, cancelled, archived by default; dead_letter only when asked for), filtered by
 *       type and a window on {@code updated_at}, with their history. No transition and no event,
 *       like the retention purge.
 * </ul>
 *
 * <p><b>One guarded operation.</b> Each statement is a compare-and-set on the source state of at
 * most {@code chunk} rows ({@code taskqueue.rescue.batch-size} by default), committed on its own;
 * the route repeats it until a statement changes nothing and sums the counts. The window's end is
 * capped at the moment the command starts (database time), so tasks that reach the state while it
 * runs (a redriven task dead-lettered again, a task enqueued meanwhile) are not part of it and the
 * loop ends. Repeating a command is safe: what it changed no longer matches, so the second call
 * reports 0, or only tasks that newly reached the state.
 *
 * <p>Call these outside a database transaction: each chunk commits before its messages move.
 */
@Component
public class BulkCommandRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(BulkCommandRoute.class);

  /** The start of the window ({@code :#TaskBulkFrom}), inclusive. */
  public static final String BULK_FROM = "TaskBulkFrom";

  /** The end of the window ({@code :#TaskBulkTo}), exclusive. */
  public static final String BULK_TO = "TaskBulkTo";

  /** The states a purge deletes ({@code :#in:TaskBulkStatuses}). */
  public static final String BULK_STATUSES = "TaskBulkStatuses";

  /** The history reasons when the caller gives none. */
  public static final String REDRIVEN = "bulk redrive";

  public static final String CANCELLED = "bulk cancel";

  /** The rows a chunk changed (RETURNING), one map each: id, type, resource_group, ... */
  static final String CHANGED_ROWS = "TaskBulkChanged";

  /** An open start of the window: before any task. */
  static final Instant EARLIEST = Instant.EPOCH;

  private static final String REQUEST = "bulkRequest";
  private static final String UNTIL = "bulkUntil";
  private static final String TOTAL = "bulkTotal";
  private static final String LAST = "bulkLast";
  private static final String EVENTS = "bulkEvents";
  private static final String CALLER_HEADERS = "bulkCallerHeaders";

  private final TaskQueueProperties properties;
  private final StateWrites writes;
  private final FlowSupport flow;
  private final ScheduledMessages scheduled;

  public BulkCommandRoute(
      TaskQueueProperties properties,
      StateWrites writes,
      FlowSupport flow,
      ScheduledMessages scheduled) {
    this.properties = properties;
    this.writes = writes;
    this.flow = flow;
    this.scheduled = scheduled;
  }

  @Override
  public void configure() {
    String returning = "outputType=SelectList&outputHeader=" + CHANGED_ROWS;

    from(Endpoints.BULK_REDRIVE)
        .routeId("bulk-redrive")
        .errorHandler(noErrorHandler())
        .process(e -> begin(e, REDRIVEN, List.of()))
        .loopDoWhile(BulkCommandRoute::more)
        .process(this::chunk)
        .process(StateWrite.BULK_REDRIVE.transition())
        .to(writes.uri(StateWrite.BULK_REDRIVE, returning))
        .process(BulkCommandRoute::tallyRows)
        // committed with published = FALSE: now the messages, as the rescue sends them
        .filter(simple("${variable." + LAST + "} > 0"))
        .to(Endpoints.BULK_REDRIVE_PUBLISH)
        .end()
        .end()
        .process(e -> answer(e, "redrive"));

    from(Endpoints.BULK_REDRIVE_PUBLISH)
        .routeId("bulk-redrive-publish")
        .errorHandler(noErrorHandler())
        // sent (one broker commit), then marked published (one database commit) for the chunk
        .to(Endpoints.REPUBLISH)
        .setHeader(TaskConstants.EVENT, constant("task.redriven"))
        .setBody(variable(EVENTS))
        .to(Endpoints.TASK_EVENTS);

    from(Endpoints.BULK_CANCEL)
        .routeId("bulk-cancel")
        .errorHandler(noErrorHandler())
        .process(e -> begin(e, CANCELLED, List.of()))
        .loopDoWhile(BulkCommandRoute::more)
        .process(this::chunk)
        .process(StateWrite.BULK_CANCEL.transition())
        .to(writes.uri(StateWrite.BULK_CANCEL, returning))
        .process(BulkCommandRoute::tallyRows)
        .filter(simple("${variable." + LAST + "} > 0"))
        // committed: take their messages off the broker (delayed ones would wait there)
        .process(this::removeQueuedMessages)
        .setHeader(TaskConstants.EVENT, constant("task.cancelled"))
        .setBody(variable(EVENTS))
        .to(Endpoints.TASK_EVENTS)
        .end()
        .end()
        .process(e -> answer(e, "cancel"));

    from(Endpoints.BULK_PURGE)
        .routeId("bulk-purge")
        .errorHandler(noErrorHandler())
        .process(e -> begin(e, null, BulkRequest.PURGED_BY_DEFAULT))
        .loopDoWhile(BulkCommandRoute::more)
        .process(this::chunk)
        .to(writes.uri(StateWrite.BULK_PURGE))
        .process(BulkCommandRoute::tallyCount)
        .end()
        .process(e -> answer(e, "purge"));
  }

  /**
   * Reads the request, keeps the caller's headers aside and fixes the window's end: the request's
   * {@code to}, but never later than now.
   */
  private void begin(Exchange exchange, String defaultReason, List<TaskStatus> defaultStatuses) {
    Message in = exchange.getIn();
    BulkRequest request = in.getBody(BulkRequest.class);
    if (request == null || request.group() == null || request.group().isBlank()) {
      throw new IllegalArgumentException(
          "A bulk command needs a BulkRequest naming the group as its body, not " + in.getBody());
    }
    List<TaskStatus> statuses =
        request.statuses() == null || request.statuses().isEmpty()
            ? defaultStatuses
            : request.statuses();
    for (TaskStatus status : statuses) {
      if (!BulkRequest.PURGEABLE.contains(status)) {
        throw new IllegalArgumentException(
            "A purge deletes only tasks in the states "
                + BulkRequest.PURGEABLE
                + ", not "
                + status);
      }
    }
    String reason =
        request.reason() == null || request.reason().isBlank() ? defaultReason : request.reason();
    int chunk = request.chunk() > 0 ? request.chunk() : properties.getRescue().getBatchSize();
    exchange.setVariable(
        REQUEST,
        new BulkRequest(
            request.group(),
            request.type(),
            request.from(),
            request.to(),
            statuses,
            reason,
            chunk));
    Instant now = flow.now();
    exchange.setVariable(
        UNTIL, request.to() == null || request.to().isAfter(now) ? now : request.to());
    exchange.setVariable(TOTAL, 0L);
    exchange.removeVariable(LAST);
    exchange.setVariable(CALLER_HEADERS, new HashMap<>(in.getHeaders()));
    in.removeHeaders("*");
    FlowSupport.clearBody(exchange);
  }

  /**
   * The headers of one statement, set afresh for every chunk (a sub-route may have changed them).
   */
  private void chunk(Exchange exchange) {
    BulkRequest request = exchange.getVariable(REQUEST, BulkRequest.class);
    Message in = exchange.getIn();
    in.removeHeaders("*");
    FlowSupport.clearBody(exchange);
    in.setHeader(TaskConstants.GROUP, request.group());
    in.setHeader(TaskConstants.TYPE, request.type() == null ? "" : request.type());
    in.setHeader(BULK_FROM, Timestamp.from(request.from() == null ? EARLIEST : request.from()));
    in.setHeader(BULK_TO, Timestamp.from(exchange.getVariable(UNTIL, Instant.class)));
    in.setHeader(TaskConstants.LIMIT, request.chunk());
    in.setHeader(TaskConstants.REASON, request.reason());
    in.setHeader(BULK_STATUSES, request.statuses().stream().map(TaskStatus::dbValue).toList());
    flow.stamp(exchange);
  }

  /** Until a statement changes nothing. */
  private static boolean more(Exchange exchange) {
    Integer last = exchange.getVariable(LAST, Integer.class);
    return last == null || last > 0;
  }

  /** The rows a chunk changed: counted, the body (for the republish), and their events. */
  @SuppressWarnings("unchecked")
  private static void tallyRows(Exchange exchange) {
    Message in = exchange.getIn();
    List<Map<String, Object>> rows = in.getHeader(CHANGED_ROWS, List.class);
    in.removeHeader(CHANGED_ROWS);
    rows = rows == null ? List.of() : rows;
    add(exchange, rows.size());
    List<Map<String, Object>> events = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      Map<String, Object> event = new LinkedHashMap<>(4);
      event.put(TaskConstants.ID, String.valueOf(row.get("id")));
      event.put(TaskConstants.TYPE, row.get("type"));
      event.put(TaskConstants.GROUP, row.get("resource_group"));
      events.add(event);
    }
    exchange.setVariable(EVENTS, events);
    in.setBody(rows);
  }

  private static void tallyCount(Exchange exchange) {
    add(exchange, exchange.getIn().getHeader(SqlConstants.SQL_UPDATE_COUNT, 0, Integer.class));
  }

  private static void add(Exchange exchange, int changed) {
    exchange.setVariable(LAST, changed);
    exchange.setVariable(TOTAL, exchange.getVariable(TOTAL, Long.class) + changed);
  }

  @SuppressWarnings("unchecked")
  private void removeQueuedMessages(Exchange exchange) {
    BulkRequest request = exchange.getVariable(REQUEST, BulkRequest.class);
    List<Map<String, Object>> events = exchange.getVariable(EVENTS, List.class);
    scheduled.removeAll(
        events.stream().map(e -> (String) e.get(TaskConstants.ID)).toList(), request.group());
  }

  /** The count becomes the body; the caller's headers come back. */
  @SuppressWarnings("unchecked")
  private void answer(Exchange exchange, String action) {
    BulkRequest request = exchange.getVariable(REQUEST, BulkRequest.class);
    long total = exchange.getVariable(TOTAL, Long.class);
    if (total > 0) {
      LOG.info(
          "Bulk {} of group {} (type {}, from {}, to {}{}): {} task(s) changed; reason: {}",
          action,
          request.group(),
          request.type() == null ? "any" : request.type(),
          request.from() == null ? "any time" : request.from(),
          exchange.getVariable(UNTIL, Instant.class),
          action.equals("purge")
              ? ", states " + request.statuses().stream().map(TaskStatus::dbValue).toList()
              : "",
          total,
          request.reason());
    }
    Message in = exchange.getIn();
    in.setHeaders(exchange.getVariable(CALLER_HEADERS, Map.class));
    in.setBody(total);
    for (String variable : List.of(REQUEST, UNTIL, TOTAL, LAST, EVENTS, CALLER_HEADERS)) {
      exchange.removeVariable(variable);
    }
  }
}
