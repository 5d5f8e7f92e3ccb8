package io.taskqueue.api;

import io.taskqueue.store.TaskReader;
import io.taskqueue.task.TaskIds;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
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
        .produces("application/json")
        .to("direct:api-enqueue")
        .get("/{id}")
        .produces("application/json")
        .to("direct:api-task")
        .get("/{id}/history")
        .produces("application/json")
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
