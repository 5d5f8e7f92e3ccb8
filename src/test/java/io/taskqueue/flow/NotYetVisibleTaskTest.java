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
      long sent = System.nanoTime();
      jms.convertAndSend(
          "taskqueue.group.test",
          id,
          m -> {
            m.setStringProperty("TaskId", id);
            m.setStringProperty("TaskType", "test.count");
            return m;
          });

      // the commit does not come: the message is delivered over and over, and kept (it used to
      // be dropped at its 10th delivery)
      await()
          .atMost(Duration.ofSeconds(25))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> deliveryCountOf(queue, id) > 10);
      // hold the transaction open for 15 s in all, and the task never runs meanwhile
      Duration left = Duration.ofSeconds(15).minusNanos(System.nanoTime() - sent);
      if (left.compareTo(Duration.ofMillis(200)) > 0) {
        await()
            .atMost(left.plusSeconds(5))
            .during(left)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> handlers.runs(id) == 0);
      }
      assertThat(handlers.runs(id)).isZero();

      enqueue.commit();
    }
    long committed = System.nanoTime();
    awaitStatus(id, "completed");
    assertThat(Duration.ofNanos(System.nanoTime() - committed)).isLessThan(Duration.ofSeconds(3));
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
  }

  /** The delivery count of the task's message waiting on the queue, 0 when not found now. */
  private static int deliveryCountOf(Queue queue, String id) {
    int count = 0;
    for (MessageReference ref : queue.getScheduledMessages()) {
      if (id.equals(ref.getMessage().getStringProperty("TaskId"))) {
        count = Math.max(count, offers(ref));
      }
    }
    var refs = queue.browserIterator();
    try {
      while (refs.hasNext()) {
        MessageReference ref = refs.next();
        if (id.equals(ref.getMessage().getStringProperty("TaskId"))) {
          count = Math.max(count, offers(ref));
        }
      }
    } finally {
      refs.close();
    }
    return count;
  }
}
