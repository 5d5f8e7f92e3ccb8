package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.flow.BulkRequest;
import io.taskqueue.flow.Endpoints;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/groups/{name}/redrive|cancel|purge}: bulk operator commands on one group, with
 * filters, a count of what they changed, and nothing changed by a repeat or by bad input.
 */
class GroupBulkApiTest extends TaskQueueTestSupport {

  /** Far enough ahead that no worker runs the task during the test. */
  private static final String LATER = Instant.now().plus(Duration.ofHours(1)).toString();

  @Test
  void redrivesTheDeadLettersOfAGroupByTypeAndTimeAndARepeatChangesOnlyNewOnes() {
    List<String> failing = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      failing.add(enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"validation\"}}"));
    }
    long failUntil = System.currentTimeMillis() + 1000;
    List<String> flaky = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      flaky.add(
          enqueue(
              "{\"type\":\"demo.flaky\",\"maxAttempts\":1,\"payload\":{\"failUntil\":"
                  + failUntil
                  + "}}"));
    }
    failing.forEach(id -> awaitStatus(id, "dead_letter"));
    flaky.forEach(id -> awaitStatus(id, "dead_letter"));
    // another group's dead letter is never touched
    String elsewhere = TaskRows.insert(jdbc, 1, "test.count", "test", "dead_letter").get(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > failUntil);

    // by type: only the flaky ones, whose outage is over: they complete
    assertThat(bulk("demo", "redrive", "?type=demo.flaky")).isEqualTo(2);
    flaky.forEach(id -> awaitStatus(id, "completed"));
    for (String id : flaky) {
      assertThat(transitions(id))
          .containsExactly(
              "null->pending",
              "pending->running",
              "running->failed",
              "failed->dead_letter",
              "dead_letter->pending",
              "pending->running",
              "running->completed");
      assertThat(reasonOf(id, "dead_letter", "pending")).isEqualTo("bulk redrive via the API");
    }
    failing.forEach(id -> assertThat(status(id)).isEqualTo("dead_letter"));
    assertThat(bulk("demo", "redrive", "?type=demo.flaky")).isZero();

    // a window that ends before they became dead letters matches nothing
    Instant beforeAll = Instant.now().minus(Duration.ofHours(1));
    assertThat(bulk("demo", "redrive", "?to=" + beforeAll)).isZero();
    failing.forEach(id -> assertThat(status(id)).isEqualTo("dead_letter"));

    // the whole group: the validation failures run once more and are dead letters again
    Instant firstRedrive = Instant.now();
    assertThat(bulk("demo", "redrive", "")).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                failing.stream()
                    .allMatch(
                        id -> "dead_letter".equals(status(id)) && transitions(id).size() == 8));
    for (String id : failing) {
      assertThat(transitions(id).subList(4, 8))
          .containsExactly(
              "dead_letter->pending", "pending->running", "running->failed", "failed->dead_letter");
      assertThat(row(id).get("attempts")).isEqualTo(1);
    }
    // their second dead letter is newer than firstRedrive: a window up to then matches nothing,
    // a repeat without one redrives exactly these new dead letters
    assertThat(bulk("demo", "redrive", "?to=" + firstRedrive)).isZero();
    assertThat(bulk("demo", "redrive", "?from=" + firstRedrive)).isEqualTo(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> failing.stream().allMatch(id -> transitions(id).size() == 12));
    assertThat(status(elsewhere)).isEqualTo("dead_letter");
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'pending' AND NOT published"))
        .isZero();
  }

  @Test
  void cancelsPendingTasksByTypeAndTimeAndLeavesNoMessageBehind() throws Exception {
    List<String> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(enqueue("{\"type\":\"test.count\",\"payload\":{},\"runAt\":\"" + LATER + "\"}"));
    }
    String otherType =
        enqueue("{\"type\":\"test.other\",\"payload\":{},\"runAt\":\"" + LATER + "\"}");
    String otherGroup =
        enqueue("{\"type\":\"demo.echo\",\"payload\":{},\"runAt\":\"" + LATER + "\"}");
    await().atMost(Duration.ofSeconds(10)).until(() -> scheduled("taskqueue.group.test") >= 5);
    long scheduledBefore = scheduled("taskqueue.group.test");

    assertThat(bulk("test", "cancel", "?type=test.count")).isEqualTo(4);
    for (String id : held) {
      assertThat(status(id)).isEqualTo("cancelled");
      assertThat(transitions(id)).containsExactly("null->pending", "pending->cancelled");
      assertThat(reasonOf(id, "pending", "cancelled")).isEqualTo("bulk cancel via the API");
    }
    // their delayed messages were taken off the broker with the cancel
    assertThat(scheduled("taskqueue.group.test")).isEqualTo(scheduledBefore - 4);
    assertThat(status(otherType)).isEqualTo("pending");
    assertThat(status(otherGroup)).isEqualTo("pending");
    assertThat(bulk("test", "cancel", "?type=test.count")).isZero();

    // a window on the enqueue time: only tasks enqueued from then on
    Instant cut = Instant.now();
    String late = enqueue("{\"type\":\"test.other\",\"payload\":{},\"runAt\":\"" + LATER + "\"}");
    assertThat(bulk("test", "cancel", "?from=" + cut)).isEqualTo(1);
    assertThat(status(late)).isEqualTo("cancelled");
    assertThat(status(otherType)).isEqualTo("pending");
    assertThat(bulk("test", "cancel", "?to=" + cut)).isEqualTo(1);
    assertThat(status(otherType)).isEqualTo("cancelled");
    assertThat(status(otherGroup)).isEqualTo("pending");
    assertThat(bulk("test", "cancel", "")).isZero();
  }

  @Test
  void aCancelNeverTouchesARunningTask() {
    String running = enqueue("{\"type\":\"test.block\",\"payload\":{}}");
    await().atMost(Duration.ofSeconds(30)).until(() -> handlers.blocked() == 1);
    assertThat(status(running)).isEqualTo("running");
    String pending =
        enqueue("{\"type\":\"test.block\",\"payload\":{},\"runAt\":\"" + LATER + "\"}");

    assertThat(bulk("test", "cancel", "?type=test.block")).isEqualTo(1);
    assertThat(status(pending)).isEqualTo("cancelled");
    handlers.release();
    awaitStatus(running, "completed");
  }

  @Test
  void theFlowWorksInChunksUntilNothingIsLeft() {
    List<String> ids = TaskRows.insert(jdbc, 7, "test.chunked", "test", "pending");
    Long changed =
        producer.requestBody(
            Endpoints.BULK_CANCEL,
            new BulkRequest("test", "test.chunked", null, null, List.of(), "chunked", 3),
            Long.class);
    assertThat(changed).isEqualTo(7);
    ids.forEach(id -> assertThat(status(id)).isEqualTo("cancelled"));
    assertThat(reasonOf(ids.get(6), "pending", "cancelled")).isEqualTo("chunked");

    Long purged =
        producer.requestBody(
            Endpoints.BULK_PURGE,
            new BulkRequest("test", null, null, null, List.of(), null, 2),
            Long.class);
    assertThat(purged).isEqualTo(7);
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void purgesFinishedTasksWithTheirHistoryAndDeadLettersOnlyWhenAskedFor() {
    List<String> completed = TaskRows.insert(jdbc, 3, "test.a", "test", "completed");
    List<String> cancelled = TaskRows.insert(jdbc, 2, "test.b", "test", "cancelled");
    List<String> archived = TaskRows.insert(jdbc, 1, "test.a", "test", "archived");
    List<String> dead = TaskRows.insert(jdbc, 2, "test.a", "test", "dead_letter");
    List<String> pending = TaskRows.insert(jdbc, 1, "test.a", "test", "pending");
    List<String> otherGroup = TaskRows.insert(jdbc, 2, "test.a", "demo", "completed");
    List<String> finished = new ArrayList<>(completed);
    finished.addAll(cancelled);
    finished.addAll(archived);
    assertThat(historyOf(finished)).isEqualTo(6);

    // a window that ends before they finished, and a type filter
    assertThat(bulk("test", "purge", "?to=" + Instant.now().minus(Duration.ofHours(1)))).isZero();
    assertThat(bulk("test", "purge", "?type=test.b")).isEqualTo(2);
    assertThat(rows(cancelled)).isZero();
    assertThat(historyOf(cancelled)).isZero();

    assertThat(bulk("test", "purge", "")).isEqualTo(4);
    assertThat(rows(finished)).isZero();
    assertThat(historyOf(finished)).isZero();
    assertThat(rows(dead)).isEqualTo(2);
    assertThat(rows(pending)).isEqualTo(1);
    assertThat(rows(otherGroup)).isEqualTo(2);
    assertThat(bulk("test", "purge", "")).isZero();

    assertThat(bulk("test", "purge", "?status=completed")).isZero();
    assertThat(bulk("test", "purge", "?status=dead_letter")).isEqualTo(2);
    assertThat(rows(dead)).isZero();
    assertThat(historyOf(dead)).isZero();
    assertThat(rows(pending)).isEqualTo(1);
    assertThat(bulk("test", "purge", "?status=dead_letter")).isZero();
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    List<String> dead = TaskRows.insert(jdbc, 2, "test.a", "test", "dead_letter");
    List<String> done = TaskRows.insert(jdbc, 2, "test.a", "test", "completed");
    List<String> pending = TaskRows.insert(jdbc, 1, "test.a", "test", "pending");

    HttpResponse<String> unknown = post("/api/groups/nope/redrive", "");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown.body()).get("field").asText()).isEqualTo("name");
    assertThat(json(unknown.body()).get("error").asText()).startsWith("No group 'nope'");

    assertRefused("/api/groups/test/redrive?from=yesterday", "from");
    assertRefused("/api/groups/test/cancel?to=2026-13-01T00:00:00Z", "to");
    assertRefused("/api/groups/test/redrive?from=", "from");
    assertRefused(
        "/api/groups/test/purge?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from");
    assertRefused("/api/groups/test/purge?status=pending", "status");
    assertRefused("/api/groups/test/purge?status=bogus", "status");
    assertRefused("/api/groups/test/redrive?status=dead_letter", "status");
    assertRefused("/api/groups/test/cancel?type=Not%20A%20Type", "type");
    assertRefused("/api/groups/test/purge?typo=test.a", "typo");
    assertRefused("/api/groups/test/purge?type=test.a&type=test.b", "type");

    // filters sent as a body would be ignored: refused instead of purging the whole group
    HttpResponse<String> body = post("/api/groups/test/purge", "{\"type\":\"test.b\"}");
    assertThat(body.statusCode()).as(body.body()).isEqualTo(400);
    assertThat(json(body.body()).get("error").asText()).contains("query parameters");
    HttpResponse<String> form =
        post(
            "/api/groups/test/purge", "type=test.b", "application/x-www-form-urlencoded", Map.of());
    assertThat(form.statusCode()).as(form.body()).isEqualTo(400);

    dead.forEach(id -> assertThat(status(id)).isEqualTo("dead_letter"));
    done.forEach(id -> assertThat(status(id)).isEqualTo("completed"));
    pending.forEach(id -> assertThat(status(id)).isEqualTo("pending"));
    assertThat(count("SELECT COUNT(*) FROM task_history")).isEqualTo(5);
  }

  @Test
  void theAnswerNamesTheGroupAndTheAction() {
    HttpResponse<String> response = post("/api/groups/demo/purge", "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).get().asString().contains("json");
    JsonNode answer = json(response.body());
    assertThat(answer.get("group").asText()).isEqualTo("demo");
    assertThat(answer.get("action").asText()).isEqualTo("purge");
    assertThat(answer.get("changed").asLong()).isZero();
    assertThat(post("/api/groups/demo/redrive", "", null, Map.of()).statusCode()).isEqualTo(200);
  }

  private long bulk(String group, String action, String query) {
    HttpResponse<String> response = post("/api/groups/" + group + "/" + action + query, "");
    assertThat(response.statusCode()).as(action + query + ": " + response.body()).isEqualTo(200);
    JsonNode answer = json(response.body());
    assertThat(answer.get("group").asText()).isEqualTo(group);
    assertThat(answer.get("action").asText()).isEqualTo(action);
    return answer.get("changed").asLong();
  }

  private void assertRefused(String path, String field) {
    HttpResponse<String> response = post(path, "");
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(400);
    JsonNode error = json(response.body());
    assertThat(error.get("field").asText()).as(path).isEqualTo(field);
    assertThat(error.get("error").asText()).as(path).isNotBlank();
  }

  private String reasonOf(String id, String from, String to) {
    return jdbc.queryForObject(
        "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID) AND from_status = ? AND"
            + " to_status = ? ORDER BY id DESC LIMIT 1",
        String.class,
        id,
        from,
        to);
  }

  private int rows(List<String> ids) {
    return count(
        "SELECT COUNT(*) FROM tasks WHERE CAST(id AS VARCHAR) IN ("
            + String.join(",", ids.stream().map(id -> "'" + id + "'").toList())
            + ")");
  }

  private int historyOf(List<String> ids) {
    return count(
        "SELECT COUNT(*) FROM task_history WHERE CAST(task_id AS VARCHAR) IN ("
            + String.join(",", ids.stream().map(id -> "'" + id + "'").toList())
            + ")");
  }

  /** Scheduled (not yet due) messages on a queue of the embedded broker. */
  private long scheduled(String queue) {
    org.apache.activemq.artemis.core.server.Queue q = broker.getActiveMQServer().locateQueue(queue);
    return q == null ? 0 : q.getScheduledCount();
  }
}
