package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import org.junit.jupiter.api.Test;

/** Completed and cancelled tasks past the retention period become archived; old metrics go. */
class RetentionTest extends TaskQueueTestSupport {

  @Test
  void oldFinishedTasksAreArchivedAndOldMetricsPruned() {
    String old = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    String recent = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    awaitStatus(old, "completed");
    awaitStatus(recent, "completed");
    // a pending row without a broker message (a delayed task's message would stay queued)
    String cancelled = TaskRows.insert(jdbc, 1, "test.count", "test", "pending").get(0);
    assertThat(post("/api/tasks/" + cancelled + "/cancel", "").statusCode()).isEqualTo(200);
    // the default retention is 7 days: age two of them past it
    jdbc.update(
        "UPDATE tasks SET updated_at = CURRENT_TIMESTAMP - INTERVAL '8 days'"
            + " WHERE id IN (CAST(? AS UUID), CAST(? AS UUID))",
        old,
        cancelled);
    jdbc.update(
        "INSERT INTO metrics (recorded_at, name, metric_value) VALUES"
            + " (CURRENT_TIMESTAMP - INTERVAL '31 days', 'old', 1),"
            + " (CURRENT_TIMESTAMP, 'new', 2)");

    producer.sendBody("direct:retention", null);

    assertThat(status(old)).isEqualTo("archived");
    assertThat(status(cancelled)).isEqualTo("archived");
    assertThat(status(recent)).isEqualTo("completed");
    assertThat(transitions(old)).endsWith("completed->archived");
    assertThat(transitions(cancelled)).endsWith("pending->cancelled", "cancelled->archived");
    assertThat(jdbc.queryForList("SELECT name FROM metrics", String.class)).containsExactly("new");
  }

  @Test
  void archivedTasksPastPurgeAfterAreDeletedWithTheirHistory() {
    String old = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    String young = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    awaitStatus(old, "completed");
    awaitStatus(young, "completed");
    // completed 40 days ago: archived by this run, deleted by a run once purge-after (30 days)
    // has passed since; the other was archived 10 days ago and stays
    jdbc.update(
        "UPDATE tasks SET updated_at = CURRENT_TIMESTAMP - INTERVAL '40 days'"
            + " WHERE id IN (CAST(? AS UUID), CAST(? AS UUID))",
        old,
        young);
    producer.sendBody("direct:retention", null);
    assertThat(status(old)).isEqualTo("archived");
    jdbc.update(
        "UPDATE tasks SET updated_at = CURRENT_TIMESTAMP - INTERVAL '31 days'"
            + " WHERE id = CAST(? AS UUID)",
        old);
    jdbc.update(
        "UPDATE tasks SET updated_at = CURRENT_TIMESTAMP - INTERVAL '10 days'"
            + " WHERE id = CAST(? AS UUID)",
        young);

    producer.sendBody("direct:retention", null);

    assertThat(status(old)).isNull();
    assertThat(transitions(old)).isEmpty();
    assertThat(get("/api/tasks/" + old).statusCode()).isEqualTo(404);
    assertThat(status(young)).isEqualTo("archived");
    assertThat(transitions(young)).endsWith("completed->archived");
  }
}
