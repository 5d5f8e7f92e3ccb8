package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Database errors around a task's writes. The test holds a row lock on the task, so the worker's
 * UPDATE waits on it, and then has PostgreSQL terminate that worker connection ({@code
 * pg_terminate_backend}, what a database restart or failover does to it), several times.
 */
class CompletionRetryTest extends TaskQueueTestSupport {

  private static final String SCHEMA =
      System.getenv().getOrDefault("TASKQUEUE_TEST_DB_SCHEMA", "tq_test");

  @Test
  void aDatabaseErrorAfterASuccessfulHandlerNeitherRerunsNorDeadLetters() throws Exception {
    String id = enqueue("{\"type\":\"test.block\",\"payload\":{},\"maxAttempts\":2}");
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.blocked() == 1);

    try (Connection lock = lockTask(id)) {
      handlers.release();
      // the completion write waits for the row: its connection is killed, three times over
      killBlockedConnections(lock, 3);
      lock.rollback();
    }

    awaitStatus(id, "completed");
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-1");
    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->completed");
  }

  @Test
  void aDatabaseErrorWhileAcquiringSpendsNoAttempt() throws Exception {
    // its own message is held by the broker for an hour: the test sends the one that runs it,
    // once the row is locked
    String runAt = Instant.now().plusSeconds(3600).toString();
    String id =
        enqueue(
            "{\"type\":\"test.count\",\"payload\":{},\"maxAttempts\":1,\"runAt\":\""
                + runAt
                + "\"}");
    try (Connection lock = lockTask(id)) {
      jms.convertAndSend(
          "taskqueue.group.test",
          id,
          m -> {
            m.setStringProperty("TaskId", id);
            m.setStringProperty("TaskType", "test.count");
            return m;
          });
      // the acquire waits for the row: killed twice; the delivery goes back to the broker
      killBlockedConnections(lock, 2);
      lock.rollback();
    }

    awaitStatus(id, "completed");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->completed");
  }

  /** A connection of the test's own holding a row lock on the task, in an open transaction. */
  private static Connection lockTask(String id) throws Exception {
    Connection c =
        DriverManager.getConnection(
            TestDatabase.url(), TestDatabase.user(), TestDatabase.password());
    c.setAutoCommit(false);
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id FROM " + SCHEMA + ".tasks WHERE id = CAST(? AS UUID) FOR UPDATE")) {
      ps.setString(1, id);
      ps.executeQuery().close();
    }
    return c;
  }

  /** Waits for a connection blocked by {@code lock}'s transaction and terminates it, n times. */
  private void killBlockedConnections(Connection lock, int times) throws Exception {
    int pid;
    try (Statement s = lock.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      pid = rs.getInt(1);
    }
    for (int i = 0; i < times; i++) {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  count(
                          "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM"
                              + " pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))) k",
                          pid)
                      > 0);
    }
  }
}
