package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An attempt whose lease was rescued can no longer complete: completion is fenced. */
class LeaseFencingTest extends TaskQueueTestSupport {

  @AfterEach
  void heartbeatsBack() throws Exception {
    camel.getRouteController().startRoute(HeartbeatRoute.ROUTE_ID);
  }

  @Test
  void aRescuedAttemptCannotCompleteAnyMore() throws Exception {
    String id = enqueue("{\"type\":\"test.block\",\"payload\":{}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.blocked() == 1);
    double staleBefore = metrics.staleAttempts();
    // the node freezes: no more heartbeats
    camel.getRouteController().stopRoute(HeartbeatRoute.ROUTE_ID);

    // attempt 1 is frozen: let its lease run out and rescue it
    jdbc.update(
        "UPDATE tasks SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1 second'"
            + " WHERE id = CAST(? AS UUID)",
        id);
    producer.sendBody("direct:rescue", null);

    // attempt 2 runs on the republished message and completes
    awaitStatus(id, "completed");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(2);
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-2");

    // attempt 1 wakes up and tries to complete: nothing changes
    handlers.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.staleAttempts() >= staleBefore + 1);
    assertThat(status(id)).isEqualTo("completed");
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-2");
    assertThat(transitions(id))
        .containsExactly(
            "null->pending",
            "pending->running",
            "running->pending",
            "pending->running",
            "running->completed");
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND from_status = 'running' AND to_status = 'pending'",
                String.class,
                id))
        .isEqualTo("lease expired");
    assertThat(handlers.runs(id)).isEqualTo(2);
  }
}
