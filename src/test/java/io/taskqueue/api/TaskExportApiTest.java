package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code GET /api/tasks/export}: every matching task, one JSON object per line. */
class TaskExportApiTest extends TaskQueueTestSupport {

  @Test
  void exportsEveryMatchingTaskAsOneJsonLineEach() {
    List<String> dead = TaskRows.insert(jdbc, 3000, "report.daily", "default", "dead_letter");
    TaskRows.insert(jdbc, 1000, "report.daily", "default", "completed");

    HttpResponse<String> response = get("/api/tasks/export?status=dead_letter&group=default");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    String[] lines = response.body().split("\n", -1);
    assertThat(lines[lines.length - 1]).isEmpty(); // every line ends with \n
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < lines.length - 1; i++) {
      JsonNode task = json(lines[i]);
      assertThat(task.get("status").asText()).isEqualTo("dead_letter");
      assertThat(task.get("payload").get("text").asText()).startsWith("line \"");
      ids.add(task.get("id").asText());
    }
    assertThat(ids).hasSize(3000).containsAll(dead);

    assertThat(get("/api/tasks/export").body().split("\n")).hasSize(4000);
  }

  @Test
  void exportIsNotMistakenForATaskIdAndChecksItsFilters() {
    HttpResponse<String> empty = get("/api/tasks/export?status=pending");
    assertThat(empty.statusCode()).isEqualTo(200);
    assertThat(empty.body()).isEmpty();

    HttpResponse<String> bad = get("/api/tasks/export?status=nope");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad.body()).get("field").asText()).isEqualTo("status");
    assertThat(get("/api/tasks/export?limit=5").statusCode()).isEqualTo(400);
  }
}
