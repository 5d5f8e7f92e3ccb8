package io.taskqueue.api;

import io.taskqueue.api.schema.Accepted;
import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.Task;
import io.taskqueue.api.schema.TaskInput;
import io.taskqueue.api.schema.TaskTransition;
import io.taskqueue.store.TaskReader;
import io.taskqueue.task.TaskIds;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** The task API: {@code POST /api/tasks}, {@code GET /api/tasks/{id}}, {@code .../history}. */
@Component
public class TaskApiRoute extends RouteBuilder {

  private final TaskReader reader;
  private final ApiResponses responses;

  public TaskApiRoute(TaskReader reader, ApiResponses responses) {
    this.reader = reader;
    this.responses = responses;
  }

  @Override
  public void configure() {
    rest("/api/tasks")
        // no consumes(): Spring MVC would answer a wrong Content-Type with its own error page;
        // EnqueueApiRoute answers 415 in the API's {error, field} shape
        .post()
        .id("enqueueTask")
        .description("Enqueues one task")
        .type(TaskInput.class)
        .outType(Accepted.class)
        .produces("application/json")
        .param()
        .name(EnqueueApiRoute.IDEMPOTENCY_KEY_HEADER)
        .type(RestParamType.header)
        .required(false)
        .description("Optional idempotency key (an idempotencyKey field in the body wins)")
        .endParam()
        .responseMessage()
        .code(202)
        .message("Created: the task, pending")
        .responseModel(Accepted.class)
        .endResponseMessage()
        .responseMessage()
        .code(200)
        .message("The idempotency key names this task already")
        .responseModel(Accepted.class)
        .endResponseMessage()
        .responseMessage()
        .code(400)
        .message("Invalid input; field names it (a JSON array: use /api/tasks/batch)")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(409)
        .message("The idempotency key was used for a different request")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(413)
        .message("The body or the payload is over its configured limit")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(415)
        .message("The body is not JSON")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-enqueue")
        .get("/{id}")
        .id("getTask")
        .description("One task")
        .outType(Task.class)
        .produces("application/json")
        .responseMessage()
        .code(200)
        .message("The task")
        .responseModel(Task.class)
        .endResponseMessage()
        .responseMessage()
        .code(404)
        .message("No such task")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-task")
        .get("/{id}/history")
        .id("getTaskHistory")
        .description("The task's state transitions, oldest first")
        .outType(TaskTransition[].class)
        .produces("application/json")
        .responseMessage()
        .code(200)
        .message("The transitions")
        .responseModel(TaskTransition[].class)
        .endResponseMessage()
        .responseMessage()
        .code(404)
        .message("No such task")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-task-history");

    // direct:api-enqueue and the batch: EnqueueApiRoute

    from("direct:api-task")
        .routeId("api-task")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(
            e -> responses.json(e, 200, reader.find(taskId(e)).orElseThrow(() -> notFound(e))));

    from("direct:api-task-history")
        .routeId("api-task-history")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(
            e -> {
              UUID id = taskId(e);
              if (reader.find(id).isEmpty()) {
                throw notFound(e);
              }
              responses.json(e, 200, reader.history(id));
            });
  }

  static UUID taskId(Exchange exchange) {
    String raw = exchange.getIn().getHeader("id", String.class);
    UUID id = TaskIds.parseOrNull(raw);
    if (id == null) {
      throw new ApiException(404, "No task with id '" + raw + "' (not a task id)", "id");
    }
    return id;
  }

  private static ApiException notFound(Exchange exchange) {
    return notFound(exchange.getIn().getHeader("id"));
  }

  /** The 404 of every task endpoint. */
  static ApiException notFound(Object id) {
    return new ApiException(404, "No task with id '" + id + "'", "id");
  }
}
