package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /api/groups} and {@code GET /api/groups/{name}}: counts per state and settings. */
class GroupApiTest extends TaskQueueTestSupport {

  @Test
  void countsTasksPerStateForEachConfiguredGroup() {
    TaskRows.insert(jdbc, 5, "report.daily", "default", "pending");
    TaskRows.insert(jdbc, 2, "report.daily", "default", "running");
    TaskRows.insert(jdbc, 3, "test.count", "test", "dead_letter");
    TaskRows.insert(jdbc, 1, "test.count", "test", "cancelled");

    HttpResponse<String> response = get("/api/groups");
    assertThat(response.statusCode()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    json(response.body()).forEach(g -> names.add(g.get("name").asText()));
    assertThat(names)
        .containsExactlyInAnyOrder("default", "demo", "test", "guarded", "throttled", "alerting");

    JsonNode byDefault = group("default");
    assertThat(byDefault.get("depth").asLong()).isEqualTo(5);
    assertThat(byDefault.get("running").asLong()).isEqualTo(2);
    assertThat(byDefault.get("counts").get("completed").asLong()).isZero();

    JsonNode test = group("test");
    assertThat(test.get("depth").asLong()).isZero();
    assertThat(test.get("counts").get("dead_letter").asLong()).isEqualTo(3);
    assertThat(test.get("counts").get("cancelled").asLong()).isEqualTo(1);
    assertThat(test.get("counts").get("failed").asLong()).isZero();
    JsonNode settings = test.get("settings");
    assertThat(settings.get("concurrency").asInt()).isEqualTo(4);
    assertThat(settings.get("ordering").asText()).isEqualTo("relaxed");
    assertThat(settings.get("prefetch").asInt()).isZero();
    assertThat(settings.get("batch").get("size").asInt()).isEqualTo(10);
    assertThat(settings.get("batch").get("timeout").asText()).isEqualTo("PT0.2S");
    assertThat(settings.get("retry").get("maxAttempts").asInt()).isEqualTo(3);
    assertThat(settings.get("retry").get("initialDelay").asText()).isEqualTo("PT0.1S");
  }

  @Test
  void anUnknownGroupIs404() {
    HttpResponse<String> response = get("/api/groups/nope");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response.body()).get("field").asText()).isEqualTo("name");
  }

  private JsonNode group(String name) {
    HttpResponse<String> response = get("/api/groups/" + name);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode group = json(response.body());
    assertThat(group.get("name").asText()).isEqualTo(name);
    return group;
  }
}
