package io.taskqueue.api;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.Task;
import io.taskqueue.flow.FlowSupport;
import io.taskqueue.flow.ScheduledMessages;
import io.taskqueue.store.TaskReader;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * Operator commands on one task: {@code POST /api/tasks/{id}/cancel} ({@code pending -> cancelled})
 * and {@code POST /api/tasks/{id}/retry} ({@code dead_letter -> pending}, a redrive). Each is one
 * guarded UPDATE; when it changes no row the task's current state decides between 404 and 409.
 */
@Component
public class TaskCommandApiRoute extends RouteBuilder {

  private static final String REDRIVEN = "TaskRedriven";

  private final TaskReader reader;
  private final ApiResponses responses;
  private final FlowSupport flow;
  private final ScheduledMessages scheduled;

  public TaskCommandApiRoute(
      TaskReader reader, ApiResponses responses, FlowSupport flow, ScheduledMessages scheduled) {
    this.reader = reader;
    this.responses = responses;
    this.flow = flow;
    this.scheduled = scheduled;
  }

  @Override
  public void configure() {
    RestDefinition rest = rest("/api/tasks").description("Tasks: operator commands");
    command(
        rest,
        "cancel",
        "Cancels a pending task (also a delayed one): it becomes cancelled and its queued message"
            + " is removed from the broker (or skipped, should it be in delivery), so the handler"
            + " never runs. Answers the task.",
        "200",
        "The cancelled task",
        TaskStatus.PENDING);
    command(
        rest,
        "retry",
        "Redrives a dead_letter task: it becomes pending with a full set of attempts again"
            + " (attempts reset to 0) and runs as soon as a worker is free. Answers the task.",
        "202",
        "The task, pending again",
        TaskStatus.DEAD_LETTER);

    transitionRoute(
            "cancel", TaskStatus.PENDING, TaskStatus.CANCELLED, "cancel", "cancelled via the API")
        .setHeader(TaskConstants.EVENT, constant("task.cancelled"))
        .wireTap("direct:task-event")
        // committed: take its message off the broker (a delayed one would wait there until runAt)
        .process(this::removeQueuedMessage)
        .process(e -> answerTask(e, 200));

    transitionRoute(
            "retry", TaskStatus.DEAD_LETTER, TaskStatus.PENDING, "redrive", "redriven via the API")
        .process(this::publishHeaders)
        // after the commit, like the rescue: a crash before this send leaves published = FALSE,
        // and the rescue timer sends it then
        .to("direct:publish")
        .to(sql("mark_published", ""))
        .setHeader(TaskConstants.EVENT, constant("task.redriven"))
        .wireTap("direct:task-event")
        // the task as the redrive left it: by now a worker may already be running it
        .process(e -> responses.json(e, 202, e.getProperty(REDRIVEN)));

    from("direct:api-command-refused")
        .routeId("api-command-refused")
        // the 404/409 goes back to the calling route, whose error configuration answers it
        .errorHandler(noErrorHandler())
        .to(sql("task_status", "outputType=SelectOne&outputHeader=" + TaskConstants.CURRENT_STATUS))
        .process(TaskCommandApiRoute::refuse);
  }

  /**
   * The start of {@code direct:api-<name>-task}: the guarded UPDATE of {@code sql/<sqlFile>.sql}
   * for {@code from -> to}; when it changes no row the request ends in a 404 or 409.
   */
  private ProcessorDefinition<?> transitionRoute(
      String name, TaskStatus from, TaskStatus to, String sqlFile, String reason) {
    return from("direct:api-" + name + "-task")
        .routeId("api-" + name + "-task")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(e -> command(e, reason))
        .process(Transition.of(from, to))
        .to(sql(sqlFile, ""))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(0))
        .to("direct:api-command-refused")
        .end();
  }

  /** {@code POST /api/tasks/{id}/<name>}, answered by the route {@code direct:api-<name>-task}. */
  private static void command(
      RestDefinition rest,
      String name,
      String description,
      String okStatus,
      String okMessage,
      TaskStatus requiredState) {
    rest.post("/{id}/" + name)
        .id(name + "Task")
        .description(description)
        .outType(Task.class)
        .param()
        .name("id")
        .type(RestParamType.path)
        .description("The task id")
        .endParam()
        .produces("application/json")
        .responseMessage()
        .code(okStatus)
        .message(okMessage)
        .responseModel(Task.class)
        .endResponseMessage()
        .responseMessage()
        .code(404)
        .message("No such task")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(409)
        .message("The task is not " + requiredState.dbValue() + "; the message names its state")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-" + name + "-task");
  }

  /** The target and the who/when/why of the write; nothing the client sent may steer it. */
  private void command(Exchange exchange, String reason) {
    Message in = exchange.getIn();
    String id = TaskApiRoute.taskId(exchange).toString();
    in.removeHeaders(TaskConstants.PREFIX + "*");
    in.setHeader(TaskConstants.ID, id);
    in.setHeader(TaskConstants.REASON, reason);
    flow.stamp(exchange);
  }

  /** The headers {@code direct:publish} needs; type, group and priority never change. */
  private void publishHeaders(Exchange exchange) {
    Message in = exchange.getIn();
    Map<String, Object> task = task(exchange);
    exchange.setProperty(REDRIVEN, task);
    in.setHeader(TaskConstants.TYPE, task.get("type"));
    in.setHeader(TaskConstants.GROUP, task.get("group"));
    in.setHeader(TaskConstants.PRIORITY, task.get("priority"));
    in.setHeader(TaskConstants.RUN_AT, null);
  }

  private void removeQueuedMessage(Exchange exchange) {
    Map<String, Object> task = task(exchange);
    scheduled.remove(String.valueOf(task.get("id")), String.valueOf(task.get("group")));
  }

  private void answerTask(Exchange exchange, int status) {
    responses.json(exchange, status, task(exchange));
  }

  private Map<String, Object> task(Exchange exchange) {
    String id = exchange.getIn().getHeader(TaskConstants.ID, String.class);
    return reader.find(UUID.fromString(id)).orElseThrow(() -> TaskApiRoute.notFound(id));
  }

  /**
   * The guarded UPDATE changed nothing: the task is missing (404) or in another state (409). Always
   * throws.
   */
  private static void refuse(Exchange exchange) {
    Message in = exchange.getIn();
    String id = in.getHeader(TaskConstants.ID, String.class);
    String current = in.getHeader(TaskConstants.CURRENT_STATUS, String.class);
    if (current == null) {
      throw TaskApiRoute.notFound(id);
    }
    throw new ApiException(
        409,
        "Task "
            + id
            + " is "
            + current
            + "; only a "
            + in.getHeader(TaskConstants.FROM_STATUS)
            + " task can become "
            + in.getHeader(TaskConstants.TO_STATUS),
        null);
  }
}
