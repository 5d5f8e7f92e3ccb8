package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code GET /api/openapi.json}: the OpenAPI document generated from the REST DSL. */
class OpenApiDocumentTest extends TaskQueueTestSupport {

  @Test
  void describesEveryApiPath() {
    HttpResponse<String> response = get(ApiRestConfiguration.OPENAPI_PATH);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode document = json(response.body());
    assertThat(document.get("openapi").asText()).startsWith("3.");
    JsonNode paths = document.get("paths");
    assertThat(paths.fieldNames())
        .toIterable()
        .contains(
            "/api/tasks",
            "/api/tasks/{id}",
            "/api/tasks/{id}/history",
            "/api/tasks/{id}/cancel",
            "/api/tasks/{id}/retry",
            "/api/tasks/export",
            "/api/groups",
            "/api/groups/{name}");
    JsonNode list = paths.get("/api/tasks").get("get");
    assertThat(list.get("summary").asText()).as(list.toString()).contains("newest first");
    assertThat(list.get("parameters").findValuesAsText("name"))
        .contains("status", "group", "type", "limit", "cursor");
    assertThat(paths.get("/api/tasks/{id}/cancel").get("post").get("responses").has("409"))
        .isTrue();
  }
}
