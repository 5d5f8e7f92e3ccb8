package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/tasks/{id}/retry}: a dead_letter task is redriven to pending with a full set of
 * attempts and runs again; any other state is a 409.
 */
class TaskRedriveApiTest extends TaskQueueTestSupport {

  @Test
  void aRedrivenTaskRunsAgainWithAFullSetOfAttempts() {
    String id = enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"validation\"}}");
    awaitStatus(id, "dead_letter");

    HttpResponse<String> response = post("/api/tasks/" + id + "/retry", "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    JsonNode redriven = json(response.body());
    assertThat(redriven.get("status").asText()).isEqualTo("pending");
    assertThat(redriven.get("attempts").asInt()).isZero();

    // a validation failure is not retried: one more attempt, then dead_letter again
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "dead_letter".equals(status(id)) && transitions(id).size() == 8);
    assertThat(transitions(id))
        .containsExactly(
            "null->pending",
            "pending->running",
            "running->failed",
            "failed->dead_letter",
            "dead_letter->pending",
            "pending->running",
            "running->failed",
            "failed->dead_letter");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    JsonNode history = json(get("/api/tasks/" + id + "/history").body());
    assertThat(history.get(4).get("reason").asText()).isEqualTo("redriven via the API");
  }

  @Test
  void aFlakyTaskWhoseOutageIsOverCompletesAfterTheRedrive() {
    long failUntil = System.currentTimeMillis() + 1500;
    String id =
        enqueue(
            "{\"type\":\"demo.flaky\",\"maxAttempts\":1,\"payload\":{\"failUntil\":"
                + failUntil
                + "}}");
    awaitStatus(id, "dead_letter");
    await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > failUntil);

    assertThat(post("/api/tasks/" + id + "/retry", "").statusCode()).isEqualTo(202);

    awaitStatus(id, "completed");
    JsonNode task = task(id);
    assertThat(task.get("attempts").asInt()).isEqualTo(1);
    assertThat(task.get("result")).isEqualTo(task.get("payload"));
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'pending' AND NOT published"))
        .isZero();
  }

  @Test
  void onlyDeadLetterTasksCanBeRedriven() {
    String done = enqueue("{\"type\":\"demo.echo\",\"payload\":{}}");
    awaitStatus(done, "completed");
    HttpResponse<String> conflict = post("/api/tasks/" + done + "/retry", "");
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(json(conflict.body()).get("error").asText())
        .isEqualTo("Task " + done + " is completed; only a dead_letter task can become pending");
    assertThat(transitions(done)).hasSize(3);

    HttpResponse<String> unknown =
        post("/api/tasks/0190f5c2-0000-7000-8000-000000000000/retry", "");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown.body()).get("field").asText()).isEqualTo("id");
  }
}
