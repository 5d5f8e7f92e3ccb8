package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TestDatabase;
import io.taskqueue.task.TaskIds;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.Test;

/**
 * A task message can reach a worker before its enqueue transaction commits (messages are committed
 * first). Such a message is never dropped while that transaction is open, and runs within seconds
 * once it commits, even after a slow (15 s) commit.
 */
class NotYetVisibleTaskTest extends TaskQueueTestSupport {

  private static final String SCHEMA =
      System.getenv().getOrDefault("TASKQUEUE_TEST_DB_SCHEMA", "tq_test");

  @Test
  void aTaskWhoseEnqueueCommits15SecondsLateRunsRightAfterTheCommit() throws Exception {
    String id = TaskIds.next().toString();
    Queue queue = broker.getActiveMQServer().locateQueue("taskqueue.group.test");
    assertThat(queue.getMessageCount()).isZero();
    try (Connection enqueue =
        DriverManager.getConnection(
            TestDatabase.url(), TestDatabase.user(), TestDatabase.password())) {
      enqueue.createStatement().execute("SET search_path TO " + SCHEMA);
      enqueue.setAutoCommit(false);
      try (PreparedStatement ps =
          enqueue.prepareStatement(
              "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
                  + " max_attempts, transition_reason, created_at, updated_at) VALUES (CAST(? AS"
                  + " UUID), 'test.count', 'test', '{}', 'pending', 4, 0, 3, 'enqueued', now(),"
                  + " now())")) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      // the message is committed first, as the enqueue route does
      jms.convertAndSend(
          "taskqueue.group.test",
          id,
          m -> {
            m.setStringProperty("TaskId", id);
            m.setStringProperty("TaskType", "test.count");
            return m;
          });

      // 15 s of a commit that does not come: delivered over and over, and kept
      await()
          .atMost(Duration.ofSeconds(25))
          .during(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> queue.getMessageCount() == 1 && handlers.runs(id) == 0);
      assertThat(deliveryCount(queue)).isGreaterThan(10);

      enqueue.commit();
    }
    long committed = System.nanoTime();
    awaitStatus(id, "completed");
    assertThat(Duration.ofNanos(System.nanoTime() - committed)).isLessThan(Duration.ofSeconds(3));
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
  }

  /** The highest delivery count of a message waiting on the queue (redelivery delay included). */
  private static int deliveryCount(Queue queue) {
    int max = 0;
    for (MessageReference ref : queue.getScheduledMessages()) {
      max = Math.max(max, ref.getDeliveryCount());
    }
    var refs = queue.browserIterator();
    try {
      while (refs.hasNext()) {
        max = Math.max(max, refs.next().getDeliveryCount());
      }
    } finally {
      refs.close();
    }
    return max;
  }
}
