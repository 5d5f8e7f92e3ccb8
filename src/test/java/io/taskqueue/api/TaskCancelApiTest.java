package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/tasks/{id}/cancel}: a pending task becomes cancelled, its queued message is
 * consumed and skipped, and the handler never runs; any other state is a 409, an unknown id a 404.
 */
class TaskCancelApiTest extends TaskQueueTestSupport {

  @Test
  void aCancelledDelayedTaskNeverRuns() {
    String runAt = Instant.now().plusSeconds(2).toString();
    String id = enqueue("{\"type\":\"test.count\",\"payload\":{},\"runAt\":\"" + runAt + "\"}");
    double skippedBefore = metrics.skippedDeliveries();

    HttpResponse<String> response = post("/api/tasks/" + id + "/cancel", "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response.body()).get("status").asText()).isEqualTo("cancelled");

    // its scheduled message was removed: nothing is delivered at runAt, nothing runs
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> handlers.runs(id) == 0 && metrics.skippedDeliveries() == skippedBefore);
    assertThat(status(id)).isEqualTo("cancelled");
    assertThat(transitions(id)).containsExactly("null->pending", "pending->cancelled");
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID) AND to_status ="
                    + " 'cancelled'",
                String.class,
                id))
        .isEqualTo("cancelled via the API");
  }

  @Test
  void aCancelledDelayedTaskLeavesNoMessageOnTheBroker() throws Exception {
    String runAt = Instant.now().plusSeconds(3600).toString();
    String id = enqueue("{\"type\":\"test.count\",\"payload\":{},\"runAt\":\"" + runAt + "\"}");
    // counted by TaskId: other tests of the shared context may leave delayed messages behind
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> scheduledFor("taskqueue.group.test", id) == 1);

    assertThat(post("/api/tasks/" + id + "/cancel", "").statusCode()).isEqualTo(200);

    assertThat(scheduledFor("taskqueue.group.test", id)).isZero();
    assertThat(messagesFor("taskqueue.group.test", id)).isZero();
  }

  @Test
  void aTaskQueuedBehindBusyWorkersIsSkippedOnceTheyAreFree() {
    // more blockers than consumers (4): the first ones block their consumers, the rest wait in the
    // queue or in a blocked consumer's prefetch buffer
    List<String> blockers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      blockers.add(enqueue("{\"type\":\"test.block\",\"payload\":{}}"));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> handlers.blocked() > 0 && handlers.blocked() == running(blockers).size());
    List<String> running = running(blockers);
    String queued = blockers.get(blockers.size() - 1);
    assertThat(status(queued)).isEqualTo("pending");

    HttpResponse<String> busy = post("/api/tasks/" + running.get(0) + "/cancel", "");
    assertThat(busy.statusCode()).as(busy.body()).isEqualTo(409);
    assertThat(json(busy.body()).get("error").asText()).contains("is running");

    double skippedBefore = metrics.skippedDeliveries();
    HttpResponse<String> cancel = post("/api/tasks/" + queued + "/cancel", "");
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
    String after = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    handlers.release();

    awaitStatus(after, "completed");
    blockers.stream().filter(id -> !id.equals(queued)).forEach(id -> awaitStatus(id, "completed"));
    // its message was removed from the queue by the cancel, or, when a blocked consumer had it
    // prefetched already, reached a free worker and was skipped
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                metrics.skippedDeliveries() >= skippedBefore + 1
                    || messagesFor("taskqueue.group.test", queued) == 0);
    assertThat(handlers.runs(queued)).isZero();
    assertThat(status(queued)).isEqualTo("cancelled");
    // the handler of a task runs only after pending -> running
    assertThat(transitions(queued)).containsExactly("null->pending", "pending->cancelled");
    assertThat(row(queued).get("attempts")).isEqualTo(0);
  }

  private List<String> running(List<String> ids) {
    return ids.stream().filter(id -> "running".equals(status(id))).toList();
  }

  @Test
  void onlyPendingTasksCanBeCancelledAndUnknownIdsAre404() {
    String done = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    awaitStatus(done, "completed");

    HttpResponse<String> conflict = post("/api/tasks/" + done + "/cancel", "");
    assertThat(conflict.statusCode()).isEqualTo(409);
    JsonNode error = json(conflict.body());
    assertThat(error.get("error").asText())
        .isEqualTo("Task " + done + " is completed; only a pending task can become cancelled");
    assertThat(status(done)).isEqualTo("completed");

    String pending = TaskRows.insert(jdbc, 1, "test.count", "test", "pending").get(0);
    assertThat(post("/api/tasks/" + pending + "/cancel", "").statusCode()).isEqualTo(200);
    HttpResponse<String> twice = post("/api/tasks/" + pending + "/cancel", "");
    assertThat(twice.statusCode()).isEqualTo(409);
    assertThat(json(twice.body()).get("error").asText()).contains("is cancelled");

    HttpResponse<String> unknown =
        post("/api/tasks/0190f5c2-0000-7000-8000-000000000000/cancel", "");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown.body()).get("field").asText()).isEqualTo("id");
    assertThat(post("/api/tasks/not-an-id/cancel", "").statusCode()).isEqualTo(404);
  }

  /** Scheduled (not yet due) messages of a queue whose property TaskId is the given id. */
  private long scheduledFor(String queue, String taskId) throws Exception {
    var control =
        (org.apache.activemq.artemis.api.core.management.QueueControl)
            broker
                .getActiveMQServer()
                .getManagementService()
                .getResource(
                    org.apache.activemq.artemis.api.core.management.ResourceNames.QUEUE + queue);
    if (control == null) {
      return 0;
    }
    return java.util.Arrays.stream(control.listScheduledMessages())
        .filter(m -> taskId.equals(String.valueOf(m.get("TaskId"))))
        .count();
  }
}
