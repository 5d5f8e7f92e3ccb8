package io.taskqueue.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.EventSubscriber;
import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Group {@code guarded} (test config: circuit breaker on, 50 % of a window of 8 calls, at least 4,
 * open 2 s, 2 half-open probes; 10 attempts): 20 {@code demo.flaky} tasks failing for the next
 * seconds open the circuit; while it is open no task is acquired, none is dead-lettered, and
 * attempts count only real handler calls; once the downstream recovers the circuit closes and all
 * complete. The state changes are persisted, shown by the API and raised as alerts.
 */
class CircuitBreakerTest extends TaskQueueTestSupport {

  @Autowired ConnectionFactory connectionFactory;

  @Test
  void aFailingDownstreamOpensTheCircuitThenItClosesAndEveryTaskCompletes() throws Exception {
    try (EventSubscriber events = new EventSubscriber(connectionFactory)) {
      long failUntil = System.currentTimeMillis() + 5_000;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ids.add(
            enqueue(
                "{\"type\":\"demo.flaky\",\"group\":\"guarded\",\"payload\":{\"failUntil\":"
                    + failUntil
                    + ",\"i\":"
                    + i
                    + "}}"));
      }
      Set<String> seen = new HashSet<>();
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                JsonNode group = json(get("/api/groups/guarded").body());
                seen.add(group.get("circuitState").asText());
                return "OPEN".equals(group.get("circuitState").asText())
                    && !group.get("circuitUntil").isNull();
              });
      assertThat(
              count(
                  "SELECT COUNT(*) FROM circuit_breaker_state WHERE resource_group = 'guarded'"
                      + " AND state = 'OPEN' AND open_until IS NOT NULL"))
          .isEqualTo(1);

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ids.stream().allMatch(id -> "completed".equals(status(id))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  "CLOSED"
                      .equals(
                          json(get("/api/groups/guarded").body()).get("circuitState").asText()));
      assertThat(
              count(
                  "SELECT COUNT(*) FROM circuit_breaker_state WHERE resource_group = 'guarded'"
                      + " AND state = 'CLOSED'"))
          .isEqualTo(1);

      int failedCalls = assertNoDeadLetterAndAttemptsCountRealCalls(ids);
      // without the breaker every task would have failed about every retry delay for 5 s
      assertThat(failedCalls).isLessThan(20 * 5);

      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !events.named("alert.circuit-closed", "guarded").isEmpty());
      JsonNode opened = events.named("alert.circuit-opened", "guarded").get(0);
      assertThat(opened.get("until").asText()).isNotEmpty();
      assertThat(opened.get("to").asText()).isEqualTo("OPEN");
    }
  }

  /**
   * The same breaker guards the group's batch handler calls: each batch is one call. Batches of 2
   * {@code test.batch} tasks that fail as a whole for a few seconds open the circuit; no task is
   * dead-lettered, and all complete once the handler recovers.
   */
  @Test
  void failingBatchesOpenTheSameCircuitAndEveryTaskCompletes() throws Exception {
    try (EventSubscriber events = new EventSubscriber(connectionFactory)) {
      long failUntil = System.currentTimeMillis() + 4_000;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add(
            enqueue(
                "{\"type\":\"test.batch\",\"group\":\"guarded\",\"payload\":{\"failBatchUntil\":"
                    + failUntil
                    + ",\"n\":"
                    + i
                    + "}}"));
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> !events.named("alert.circuit-opened", "guarded").isEmpty());
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> ids.stream().allMatch(id -> "completed".equals(status(id))));
      assertNoDeadLetterAndAttemptsCountRealCalls(ids);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  "CLOSED"
                      .equals(
                          json(get("/api/groups/guarded").body()).get("circuitState").asText()));
    }
  }

  /**
   * No task was dead-lettered, and each one's attempts are its real handler calls: one per failure
   * and one for the success (a short-circuited attempt, running -> pending, gave its attempt back).
   *
   * @return the failed handler calls of all the tasks
   */
  private int assertNoDeadLetterAndAttemptsCountRealCalls(List<String> ids) {
    int failedCalls = 0;
    for (String id : ids) {
      List<String> history = transitions(id);
      assertThat(history).doesNotContain("failed->dead_letter");
      long failures = history.stream().filter("running->failed"::equals).count();
      failedCalls += (int) failures;
      assertThat(row(id).get("attempts"))
          .as("attempts of %s: %s", id, history)
          .isEqualTo((int) failures + 1);
    }
    return failedCalls;
  }
}
