package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fencing token never goes backwards: a redrive resets attempts (so the next attempt is number
 * 1 again) but not the fence, and the attempt from before the redrive can neither complete nor fail
 * the task.
 */
class FencingTokenTest extends TaskQueueTestSupport {

  @AfterEach
  void heartbeatsBack() throws Exception {
    camel.getRouteController().startRoute(HeartbeatRoute.ROUTE_ID);
  }

  @Test
  void anAttemptFromBeforeARedriveCannotComplete() throws Exception {
    String id =
        staleAttemptAfterRedrive("{\"type\":\"test.hold\",\"payload\":{},\"maxAttempts\":1}");
    double staleBefore = metrics.staleAttempts();

    // the attempt from before the redrive finishes first: same attempt number (1), older fence
    handlers.releaseHold(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.staleAttempts() >= staleBefore + 1);
    assertThat(status(id)).isEqualTo("running");
    assertThat(row(id).get("result")).isNull();

    handlers.releaseHold(2);
    awaitStatus(id, "completed");
    assertThat(task(id).get("result").asText()).isEqualTo("run-2");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(((Number) row(id).get("fence")).longValue()).isEqualTo(2);
  }

  @Test
  void anAttemptFromBeforeARedriveCannotFail() throws Exception {
    String id =
        staleAttemptAfterRedrive(
            "{\"type\":\"test.hold\",\"payload\":{\"failRun\":1},\"maxAttempts\":1}");

    // the old attempt fails now: with maxAttempts 1 it would dead-letter the task if it could
    handlers.releaseHold(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.holding() == 1);
    assertThat(status(id)).isEqualTo("running");
    assertThat(String.valueOf(row(id).get("last_error"))).doesNotContain("test.hold run 1 fails");
    // the history still ends with the redriven attempt's start: no failure of it was written
    assertThat(transitions(id)).endsWith("dead_letter->pending", "pending->running");

    handlers.releaseHold(2);
    awaitStatus(id, "completed");
    assertThat(task(id).get("result").asText()).isEqualTo("run-2");
  }

  /**
   * Run 1 of the task holds (fence 1); its node freezes, the task ends in dead_letter (as a rescue
   * of a task whose attempts are spent leaves it) and is redriven over the API; run 2 holds too, as
   * attempt 1 again with fence 2.
   */
  private String staleAttemptAfterRedrive(String taskJson) throws Exception {
    String id = enqueue(taskJson);
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.holding() == 1);
    // the node freezes: no more heartbeats, the lease runs out, the rescue dead-letters the task
    // (its only attempt is spent)
    camel.getRouteController().stopRoute(HeartbeatRoute.ROUTE_ID);
    jdbc.update(
        "UPDATE tasks SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1 second'"
            + " WHERE id = CAST(? AS UUID)",
        id);
    producer.sendBody("direct:rescue", null);
    awaitStatus(id, "dead_letter");
    assertThat(post("/api/tasks/" + id + "/retry", "").statusCode()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.holding() == 2);
    assertThat(status(id)).isEqualTo("running");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(((Number) row(id).get("fence")).longValue()).isEqualTo(2);
    return id;
  }
}
