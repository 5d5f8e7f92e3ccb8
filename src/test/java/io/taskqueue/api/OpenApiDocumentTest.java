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
            "/api/groups/{name}",
            "/api/groups/{name}/redrive",
            "/api/groups/{name}/cancel",
            "/api/groups/{name}/purge");
    JsonNode list = paths.get("/api/tasks").get("get");
    assertThat(list.get("summary").asText()).as(list.toString()).contains("newest first");
    assertThat(list.get("parameters").findValuesAsText("name"))
        .contains("status", "group", "type", "limit", "cursor");
    assertThat(paths.get("/api/tasks/{id}/cancel").get("post").get("responses").has("409"))
        .isTrue();
    JsonNode purge = paths.get("/api/groups/{name}/purge").get("post");
    assertThat(purge.get("parameters").findValuesAsText("name"))
        .contains("name", "type", "from", "to", "status");
    assertThat(purge.get("responses").get("200").toString()).contains("BulkResult");
  }

  @Test
  void echoesNoHeaderAndIsCompleteEnoughToGenerateAClient() {
    HttpResponse<String> response =
        send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url(ApiRestConfiguration.OPENAPI_PATH)))
                .header("Authorization", "Basic c2VjcmV0OnNlY3JldA==")
                .header("X-Echo-Me", "please")
                .GET()
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().map().keySet())
        .noneMatch(h -> h.equalsIgnoreCase("authorization") || h.equalsIgnoreCase("x-echo-me"));
    assertThat(response.body()).doesNotContain("c2VjcmV0OnNlY3JldA==").doesNotContain("0.0.0.0");

    JsonNode document = json(response.body());
    assertThat(document.get("servers").get(0).get("url").asText()).isEqualTo("/");
    java.util.List<String> operationIds = document.get("paths").findValuesAsText("operationId");
    assertThat(operationIds)
        .contains(
            "enqueueTask",
            "enqueueTasks",
            "getTask",
            "getTaskHistory",
            "listTasks",
            "exportTasks",
            "cancelTask",
            "retryTask",
            "listGroups",
            "getGroup",
            "redriveGroup",
            "cancelGroup",
            "purgeGroup")
        .noneMatch(id -> id.startsWith("verb"));
    JsonNode enqueue = document.get("paths").get("/api/tasks").get("post");
    assertThat(enqueue.get("requestBody").toString()).contains("TaskInput");
    assertThat(enqueue.get("responses").get("202").toString()).contains("Accepted");
    assertThat(enqueue.get("responses").get("400").toString()).contains("ApiError");
    JsonNode schemas = document.get("components").get("schemas");
    assertThat(schemas.get("TaskInput").get("properties").fieldNames())
        .toIterable()
        .contains("type", "payload", "priority", "runAt", "idempotencyKey");
    assertThat(schemas.has("Task")).isTrue();
  }
}
