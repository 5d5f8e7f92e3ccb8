package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import java.util.Collections;
import org.junit.jupiter.api.Test;

/** Retries with backoff through Artemis scheduled delivery, then the dead-letter queue. */
class RetryAndDeadLetterTest extends TaskQueueTestSupport {

  @Test
  void transientFailureIsTriedExactlyMaxAttemptsThenDeadLettered() {
    String id =
        enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"transient\"},\"maxAttempts\":3}");

    awaitStatus(id, "dead_letter");

    assertThat(transitions(id))
        .containsExactly(
            "null->pending",
            "pending->running",
            "running->failed",
            "failed->pending",
            "pending->running",
            "running->failed",
            "failed->pending",
            "pending->running",
            "running->failed",
            "failed->dead_letter");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(3);
    assertThat(task(id).get("error").asText()).contains("demo.fail: a transient failure");
    await().atMost(Duration.ofSeconds(10)).until(() -> messagesFor("taskqueue.dlq.demo", id) == 1);
    String body =
        jms.browseSelected(
            "taskqueue.dlq.demo",
            "TaskId = '" + id + "'",
            (session, browser) ->
                ((jakarta.jms.TextMessage) Collections.list(browser.getEnumeration()).get(0))
                    .getText());
    assertThat(json(body).get("attempts").asInt()).isEqualTo(3);
    assertThat(json(body).get("errorKind").asText()).isEqualTo("transient");
  }

  @Test
  void backoffGrowsBetweenAttempts() {
    String id =
        enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"transient\"},\"maxAttempts\":3}");
    awaitStatus(id, "dead_letter");
    // test profile: initial-delay 100ms, multiplier 2, jitter 0.2 -> about 100 ms, then 200 ms
    java.util.List<java.sql.Timestamp> starts =
        jdbc.queryForList(
            "SELECT changed_at FROM task_history WHERE task_id = CAST(? AS UUID)"
                + " AND to_status = 'running' ORDER BY id",
            java.sql.Timestamp.class,
            id);
    java.util.List<java.sql.Timestamp> failures =
        jdbc.queryForList(
            "SELECT changed_at FROM task_history WHERE task_id = CAST(? AS UUID)"
                + " AND to_status = 'failed' ORDER BY id",
            java.sql.Timestamp.class,
            id);
    long firstWait = starts.get(1).getTime() - failures.get(0).getTime();
    long secondWait = starts.get(2).getTime() - failures.get(1).getTime();
    assertThat(firstWait).isBetween(80L, 2_000L);
    assertThat(secondWait).isBetween(160L, 3_000L);
  }

  @Test
  void validationFailureIsNotRetried() {
    String id = enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"validation\"}}");

    awaitStatus(id, "dead_letter");

    assertThat(transitions(id))
        .containsExactly(
            "null->pending", "pending->running", "running->failed", "failed->dead_letter");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> messagesFor("taskqueue.dlq.demo", id) == 1);
  }

  @Test
  void businessFailureIsNotRetriedByDefault() {
    String id = enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"business\"}}");
    awaitStatus(id, "dead_letter");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void flakyTaskCompletesAfterRetries() {
    long failUntil = System.currentTimeMillis() + 400;
    String id = enqueue("{\"type\":\"demo.flaky\",\"payload\":{\"failUntil\":" + failUntil + "}}");

    awaitStatus(id, "completed");

    assertThat(task(id).get("attempts").asInt()).isGreaterThan(1);
    assertThat(task(id).get("result").get("failUntil").asLong()).isEqualTo(failUntil);
    assertThat(transitions(id)).endsWith("pending->running", "running->completed");
    assertThat(messagesFor("taskqueue.dlq.demo", id)).isZero();
  }
}
