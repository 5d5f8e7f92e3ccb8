package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /api/tasks}: filters, newest first, cursor paging, 400 for bad filter values. */
class TaskListingApiTest extends TaskQueueTestSupport {

  @Test
  void pagesThroughAFilteredListingNewestFirst() {
    List<String> pending = TaskRows.insert(jdbc, 7, "report.daily", "default", "pending");
    TaskRows.insert(jdbc, 3, "report.daily", "default", "completed");
    TaskRows.insert(jdbc, 2, "mail.send", "default", "pending");

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          ok(
              "/api/tasks?status=pending&type=report.daily&limit=3"
                  + (cursor == null ? "" : "&cursor=" + cursor));
      page.get("items").forEach(t -> seen.add(t.get("id").asText()));
      page.get("items")
          .forEach(
              t -> {
                assertThat(t.get("status").asText()).isEqualTo("pending");
                assertThat(t.get("type").asText()).isEqualTo("report.daily");
              });
      cursor = page.get("next").isNull() ? null : page.get("next").asText();
      pages++;
    } while (cursor != null);

    List<String> newestFirst = new ArrayList<>(pending);
    Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(pages).isEqualTo(3); // 3 + 3 + 1
  }

  @Test
  void listsEveryTaskWithoutFiltersAndDefaultsToFifty() {
    TaskRows.insert(jdbc, 60, "report.daily", "default", "completed");
    String id = enqueue("{\"type\":\"demo.echo\",\"payload\":{\"x\":1}}");

    JsonNode page = ok("/api/tasks");
    assertThat(page.get("items")).hasSize(50);
    assertThat(page.get("items").get(0).get("id").asText()).isEqualTo(id);
    assertThat(page.get("items").get(0).get("payload").get("x").asInt()).isEqualTo(1);
    assertThat(page.get("next").isNull()).isFalse();

    JsonNode demo = ok("/api/tasks?group=demo");
    assertThat(demo.get("items")).hasSize(1);
    assertThat(demo.get("next").isNull()).isTrue();
  }

  @Test
  void badFilterValuesAre400NamingTheField() {
    assertBadRequest("/api/tasks?status=done", "status");
    assertBadRequest("/api/tasks?group=nope", "group");
    assertBadRequest("/api/tasks?type=Not%20A%20Type", "type");
    assertBadRequest("/api/tasks?limit=0", "limit");
    assertBadRequest("/api/tasks?limit=501", "limit");
    assertBadRequest("/api/tasks?limit=ten", "limit");
    assertBadRequest("/api/tasks?cursor=abc", "cursor");
    assertBadRequest("/api/tasks?stauts=pending", "stauts");
    assertBadRequest("/api/tasks?status=pending&status=running", "status");
    assertThat(ok("/api/tasks?limit=500").get("items")).isEmpty();
  }

  private JsonNode ok(String path) {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response.body());
  }

  private void assertBadRequest(String path, String field) {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(400);
    JsonNode error = json(response.body());
    assertThat(error.get("field").asText()).as(path).isEqualTo(field);
    assertThat(error.get("error").asText()).as(path).isNotBlank();
  }
}
