package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A pending task whose message the broker lost (here: a task row with no message at all) is resent
 * by the rescue once it has been pending for longer than rescue.stale-after.
 */
class LostMessageTest extends TaskQueueTestSupport {

  @Test
  void aPendingTaskWithoutAMessageIsResentAfterStaleAfter() {
    String id = "01a20000-0000-7000-8000-000000000001";
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, published, created_at, updated_at) VALUES (CAST(? AS UUID),"
            + " 'test.count', 'test', '{}', 'pending', 4, 0, 3, TRUE,"
            + " CURRENT_TIMESTAMP - INTERVAL '2 hours', CURRENT_TIMESTAMP - INTERVAL '2 hours')",
        id);

    producer.sendBody("direct:rescue", null);

    awaitStatus(id, "completed");
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->completed");
  }

  @Test
  void aRecentPendingTaskIsLeftAlone() {
    String id = "01a20000-0000-7000-8000-000000000002";
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, published, created_at, updated_at) VALUES (CAST(? AS UUID),"
            + " 'test.count', 'test', '{}', 'pending', 4, 0, 3, TRUE,"
            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        id);

    producer.sendBody("direct:rescue", null);

    assertThat(row(id).get("published")).isEqualTo(true);
    assertThat(status(id)).isEqualTo("pending");
  }
}
