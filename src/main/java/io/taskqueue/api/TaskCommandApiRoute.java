package io.taskqueue.api;

import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.Task;
import io.taskqueue.flow.CommandOutcome;
import io.taskqueue.flow.CommandRoute;
import io.taskqueue.flow.Endpoints;
import io.taskqueue.store.StateWrite;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * Operator commands on one task: {@code POST /api/tasks/{id}/cancel} ({@code pending -> cancelled})
 * and {@code POST /api/tasks/{id}/retry} ({@code dead_letter -> pending}, a redrive). The API runs
 * no state-changing SQL: it calls the flow's {@code direct:cancel} / {@code direct:redrive} ({@link
 * CommandRoute}) and maps their outcome to 200/202, 404 or 409.
 */
@Component
public class TaskCommandApiRoute extends RouteBuilder {

  private final ApiResponses responses;

  public TaskCommandApiRoute(ApiResponses responses) {
    this.responses = responses;
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
        StateWrite.CANCEL.from());
    command(
        rest,
        "retry",
        "Redrives a dead_letter task: it becomes pending with a full set of attempts again"
            + " (attempts reset to 0) and runs as soon as a worker is free. Answers the task.",
        "202",
        "The task, pending again",
        StateWrite.REDRIVE.from());

    commandRoute("cancel", Endpoints.CANCEL, "cancelled via the API", 200);
    commandRoute("retry", Endpoints.REDRIVE, "redriven via the API", 202);
  }

  /**
   * {@code direct:api-<name>-task}: calls the flow's command route with the task id and maps its
   * {@link CommandOutcome} to {@code okStatus} with the task, 404 or 409. It writes nothing itself.
   */
  private void commandRoute(String name, String command, String reason, int okStatus) {
    from("direct:api-" + name + "-task")
        .routeId("api-" + name + "-task")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(e -> command(e, reason))
        .to(command)
        .process(e -> answer(e, okStatus));
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

  /** The task id and the reason of the command; nothing else the client sent reaches it. */
  private static void command(Exchange exchange, String reason) {
    Message in = exchange.getIn();
    String id = TaskApiRoute.taskId(exchange).toString();
    // platform-http maps request headers to message headers: a client's Task* header must not
    // steer the command
    in.removeHeaders(TaskConstants.PREFIX + "*");
    in.setHeader(TaskConstants.REASON, reason);
    in.setBody(id);
  }

  /** DONE answers the task as the command left it; NOT_FOUND is a 404, REFUSED a 409. */
  private void answer(Exchange exchange, int okStatus) {
    CommandOutcome outcome = exchange.getIn().getBody(CommandOutcome.class);
    switch (outcome.result()) {
      case DONE -> responses.json(exchange, okStatus, outcome.task());
      case NOT_FOUND -> throw TaskApiRoute.notFound(outcome.id());
      case REFUSED -> throw new ApiException(409, outcome.message(), null);
    }
  }
}
