package io.taskqueue.flow;

import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.store.TaskReader;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskIds;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.springframework.stereotype.Component;

/**
 * Operator commands on one task, for the API and for integrators' routes alike.
 *
 * <ul>
 *   <li>{@code direct:cancel}: {@code pending -> cancelled} (also a delayed task), the {@code
 *       task.cancelled} event, then its queued message is taken off the broker ({@link
 *       ScheduledMessages}; should that fail, the worker skips it when it arrives).
 *   <li>{@code direct:redrive}: {@code dead_letter -> pending} with a full set of attempts, the
 *       message sent to its group queue after the commit (a crash in between leaves it unpublished
 *       and the rescue sends it), the {@code task.redriven} event.
 * </ul>
 *
 * The body is the task id (text or {@code UUID}); the optional header {@code TaskReason} becomes
 * the history's reason. The answer is a {@link CommandOutcome} in the body: {@code DONE} with the
 * task as the command left it, {@code NOT_FOUND}, or {@code REFUSED} naming the task's state. The
 * caller's headers are left as they were. Failures (the database is down) are the caller's to
 * handle: these routes have no error handler of their own. Call them outside a database
 * transaction: like the API, they commit the UPDATE before touching the broker (the removal of a
 * cancelled task's message, the redrive's send); inside a caller's transaction those would happen
 * before that transaction commits.
 *
 * <pre>{@code
 * from("direct:give-up").setBody(header("orderTask")).to("direct:cancel")
 *     .filter(simple("${body.done} == false")).log("not cancelled: ${body.message}");
 * }</pre>
 */
@Component
public class CommandRoute extends RouteBuilder {

  /** The history reason when the caller gives none. */
  public static final String CANCELLED = "cancelled";

  public static final String REDRIVEN = "redriven";

  /** Exchange variable holding the {@link CommandOutcome} until it becomes the answer. */
  static final String OUTCOME = "commandOutcome";

  private static final String CALLER_HEADERS = "commandCallerHeaders";
  private static final String RAW_ID = "commandTaskId";

  private final StateWrites writes;
  private final TaskReader reader;
  private final FlowSupport flow;
  private final ScheduledMessages scheduled;

  public CommandRoute(
      StateWrites writes, TaskReader reader, FlowSupport flow, ScheduledMessages scheduled) {
    this.writes = writes;
    this.reader = reader;
    this.flow = flow;
    this.scheduled = scheduled;
  }

  @Override
  public void configure() {
    from(Endpoints.CANCEL)
        .routeId("cancel")
        .errorHandler(noErrorHandler())
        .process(e -> begin(e, CANCELLED))
        .process(StateWrite.CANCEL.transition())
        .filter(header(TaskConstants.ID).isNotNull())
        .to(writes.uri(StateWrite.CANCEL))
        .end()
        .process(e -> outcome(e, StateWrite.CANCEL))
        .filter(CommandRoute::done)
        .setHeader(TaskConstants.EVENT, constant("task.cancelled"))
        .wireTap(Endpoints.TASK_EVENT)
        .end() // closes the wireTap, which the Java DSL treats as a block; the filter goes on
        // committed: take its message off the broker (a delayed one would wait there until runAt)
        .process(this::removeQueuedMessage)
        .end()
        .process(CommandRoute::answer);

    from(Endpoints.REDRIVE)
        .routeId("redrive")
        .errorHandler(noErrorHandler())
        .process(e -> begin(e, REDRIVEN))
        .process(StateWrite.REDRIVE.transition())
        .filter(header(TaskConstants.ID).isNotNull())
        .to(writes.uri(StateWrite.REDRIVE))
        .end()
        // the task as the redrive left it: once published, a worker may already be running it
        .process(e -> outcome(e, StateWrite.REDRIVE))
        .filter(CommandRoute::done)
        // after the commit, like the rescue: a crash before this send leaves published = FALSE,
        // and the rescue timer sends it then
        .to(Endpoints.PUBLISH)
        .to(writes.uri(StateWrite.MARK_PUBLISHED))
        .setHeader(TaskConstants.EVENT, constant("task.redriven"))
        .wireTap(Endpoints.TASK_EVENT)
        .end() // closes the wireTap (see above)
        .end()
        .process(CommandRoute::answer);
  }

  /**
   * The target and the who/when/why of the write; {@code TaskId} stays unset for a body that is not
   * a task id, so no statement runs.
   */
  private void begin(Exchange exchange, String defaultReason) {
    Message in = exchange.getIn();
    exchange.setVariable(CALLER_HEADERS, new HashMap<>(in.getHeaders()));
    String raw = in.getBody(String.class);
    UUID id = TaskIds.parseOrNull(raw);
    String reason = in.getHeader(TaskConstants.REASON, String.class);
    exchange.setVariable(RAW_ID, raw);
    in.removeHeaders(TaskConstants.PREFIX + "*");
    in.removeHeader(SqlConstants.SQL_UPDATE_COUNT);
    in.setHeader(TaskConstants.ID, id == null ? null : id.toString());
    in.setHeader(TaskConstants.REASON, reason == null || reason.isBlank() ? defaultReason : reason);
    FlowSupport.clearBody(exchange);
    flow.stamp(exchange);
  }

  /**
   * DONE when the guarded UPDATE changed the row; otherwise the task's current state decides
   * between NOT_FOUND and REFUSED. For DONE, the headers the publish and the event need.
   */
  private void outcome(Exchange exchange, StateWrite write) {
    Message in = exchange.getIn();
    String raw = exchange.getVariable(RAW_ID, String.class);
    String id = in.getHeader(TaskConstants.ID, String.class);
    Map<String, Object> task = id == null ? null : reader.find(UUID.fromString(id)).orElse(null);
    CommandOutcome outcome;
    if (in.getHeader(SqlConstants.SQL_UPDATE_COUNT, 0, Integer.class) == 1 && task != null) {
      outcome =
          new CommandOutcome(CommandOutcome.Result.DONE, id, write.from(), write.to(), null, task);
      // type, group and priority never change
      in.setHeader(TaskConstants.TYPE, task.get("type"));
      in.setHeader(TaskConstants.GROUP, task.get("group"));
      in.setHeader(TaskConstants.PRIORITY, task.get("priority"));
      in.setHeader(TaskConstants.RUN_AT, null);
    } else if (task == null) {
      outcome =
          new CommandOutcome(
              CommandOutcome.Result.NOT_FOUND, raw, write.from(), write.to(), null, null);
    } else {
      outcome =
          new CommandOutcome(
              CommandOutcome.Result.REFUSED,
              id,
              write.from(),
              write.to(),
              String.valueOf(task.get("status")),
              task);
    }
    exchange.setVariable(OUTCOME, outcome);
  }

  private void removeQueuedMessage(Exchange exchange) {
    Message in = exchange.getIn();
    scheduled.remove(
        in.getHeader(TaskConstants.ID, String.class),
        in.getHeader(TaskConstants.GROUP, String.class));
  }

  private static boolean done(Exchange exchange) {
    return exchange.getVariable(OUTCOME, CommandOutcome.class).done();
  }

  /** The outcome becomes the body; the caller's headers come back. */
  @SuppressWarnings("unchecked")
  private static void answer(Exchange exchange) {
    Message in = exchange.getIn();
    in.setHeaders(exchange.getVariable(CALLER_HEADERS, Map.class));
    in.setBody(exchange.getVariable(OUTCOME, CommandOutcome.class));
    exchange.removeVariable(CALLER_HEADERS);
    exchange.removeVariable(OUTCOME);
    exchange.removeVariable(RAW_ID);
  }
}
