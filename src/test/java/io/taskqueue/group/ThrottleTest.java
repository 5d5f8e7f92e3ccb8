package io.taskqueue.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Group {@code throttled} (test config: 10 handler calls a second on this node): 50 {@code
 * demo.echo} tasks all complete, none failed or charged an extra attempt, and their handler calls
 * span at least 4 s (the 41st call waits for the permits of the first second to come back four
 * times).
 */
class ThrottleTest extends TaskQueueTestSupport {

  @Test
  void fiftyTasksAtTenASecondTakeAtLeastFourSecondsAndAllComplete() {
    List<String> ids = new ArrayList<>();
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 50; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"demo.echo\",\"group\":\"throttled\",\"payload\":{\"i\":")
          .append(i)
          .append("}}");
    }
    var response = post("/api/tasks/batch", batch.append("]").toString());
    assertThat(response.statusCode()).isEqualTo(202);
    json(response.body()).forEach(t -> ids.add(t.get("id").asText()));
    assertThat(ids).hasSize(50);

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> "completed".equals(status(id))));

    List<Timestamp> completed =
        jdbc.queryForList(
            "SELECT h.changed_at FROM task_history h JOIN tasks t ON t.id = h.task_id"
                + " WHERE t.resource_group = 'throttled' AND h.to_status = 'completed'"
                + " AND t.id IN ("
                + String.join(",", ids.stream().map(id -> "'" + id + "'").toList())
                + ")"
                + " ORDER BY h.changed_at",
            Timestamp.class);
    assertThat(completed).hasSize(50);
    Duration span = Duration.between(completed.get(0).toInstant(), completed.get(49).toInstant());
    assertThat(span).isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    for (String id : ids) {
      assertThat(row(id).get("attempts")).isEqualTo(1);
      assertThat(transitions(id))
          .containsExactly("null->pending", "pending->running", "running->completed");
    }
  }
}
