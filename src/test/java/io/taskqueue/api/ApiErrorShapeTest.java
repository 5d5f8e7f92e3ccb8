package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Errors Spring MVC answers before any route runs still have the API's {error, field} shape. */
class ApiErrorShapeTest extends TaskQueueTestSupport {

  @Test
  void aPathThatDoesNotExistIs404InTheApiShape() {
    assertErrorShape(get("/api/nothing/here"), 404);
    assertErrorShape(get("/api/tasks/0190f5c2-0000-7000-8000-000000000000/nope"), 404);
    assertErrorShape(get("/api/tasks/0190f5c2-0000-7000-8000-000000000000"), 404);
  }

  @Test
  void aMethodAPathDoesNotSupportIs405InTheApiShape() {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(url("/api/groups"))).DELETE().build());
    JsonNode error = assertErrorShape(response, 405);
    assertThat(error.get("error").asText()).contains("DELETE");
    assertErrorShape(get("/api/tasks/0190f5c2-0000-7000-8000-000000000000/cancel"), 405);
  }

  private static JsonNode assertErrorShape(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response.body());
    assertThat(error.fieldNames()).toIterable().containsExactly("error", "field");
    assertThat(error.get("error").asText()).isNotBlank();
    return error;
  }
}
