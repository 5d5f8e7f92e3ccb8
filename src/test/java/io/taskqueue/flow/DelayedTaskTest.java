package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

/** runAt delays a task through Artemis scheduled delivery. */
class DelayedTaskTest extends TaskQueueTestSupport {

  @Test
  void aTaskDoesNotRunBeforeItsRunAt() {
    Instant runAt =
        Instant.now().plusMillis(1500).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String id = enqueue("{\"type\":\"test.count\",\"payload\":{},\"runAt\":\"" + runAt + "\"}");
    assertThat(task(id).get("runAt").asText()).isEqualTo(runAt.toString());

    awaitStatus(id, "completed");

    Instant started =
        jdbc.queryForObject(
                "SELECT changed_at FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND to_status = 'running'",
                OffsetDateTime.class,
                id)
            .toInstant();
    // the broker's scheduler has millisecond resolution; allow for clock rounding only
    assertThat(started).isAfterOrEqualTo(runAt.minusMillis(5));
    assertThat(handlers.runs(id)).isEqualTo(1);
  }
}
