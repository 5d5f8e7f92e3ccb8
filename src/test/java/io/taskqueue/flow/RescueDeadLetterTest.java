package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The rescue respects maxAttempts: a task whose lease expired on its last attempt is dead-lettered
 * with reason "lease expired" (history, DLQ notification, event) instead of running again.
 */
class RescueDeadLetterTest extends TaskQueueTestSupport {

  @Autowired ConnectionFactory connectionFactory;

  @Test
  void aLeaseExpiredOnTheLastAttemptDeadLettersTheTask() throws Exception {
    List<JsonNode> events = new CopyOnWriteArrayList<>();
    try (Connection connection = connectionFactory.createConnection()) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageConsumer consumer = session.createConsumer(session.createTopic("taskqueue.events"));
      consumer.setMessageListener(m -> events.add(json(text(m))));
      connection.start();

      String id = enqueue("{\"type\":\"test.block\",\"payload\":{},\"maxAttempts\":1}");
      await().atMost(Duration.ofSeconds(10)).until(() -> handlers.blocked() == 1);
      // attempt 1 of 1 froze past its lease
      jdbc.update(
          "UPDATE tasks SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1 second'"
              + " WHERE id = CAST(? AS UUID)",
          id);
      producer.sendBody("direct:rescue", null);

      assertThat(status(id)).isEqualTo("dead_letter");
      assertThat(transitions(id))
          .containsExactly(
              "null->pending", "pending->running", "running->failed", "failed->dead_letter");
      assertThat(
              jdbc.queryForList(
                  "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                      + " AND to_status IN ('failed', 'dead_letter') ORDER BY id",
                  String.class,
                  id))
          .containsExactly("lease expired", "lease expired");
      JsonNode task = task(id);
      assertThat(task.get("attempts").asInt()).isEqualTo(1);
      assertThat(task.get("error").asText()).isEqualTo("lease expired");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> messagesFor("taskqueue.dlq.test", id) == 1);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  events.stream()
                      .anyMatch(
                          e ->
                              e.get("event").asText().equals("task.dead_letter")
                                  && e.get("id").asText().equals(id)));
      JsonNode notification =
          json(
              jms.browseSelected(
                  "taskqueue.dlq.test",
                  "TaskId = '" + id + "'",
                  (s, browser) ->
                      text((jakarta.jms.Message) browser.getEnumeration().nextElement())));
      assertThat(notification.get("error").asText()).isEqualTo("lease expired");
      assertThat(notification.get("attempts").asInt()).isEqualTo(1);

      // the frozen attempt wakes up: it can change nothing, and the task never runs again
      double staleBefore = metrics.staleAttempts();
      handlers.release();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> metrics.staleAttempts() >= staleBefore + 1);
      producer.sendBody("direct:rescue", null);
      assertThat(status(id)).isEqualTo("dead_letter");
      assertThat(handlers.runs(id)).isEqualTo(1);
    }
  }

  @Test
  void attemptsNeverExceedMaxAttemptsAcrossRescues() {
    // attempt 2 of 3 expired: back to pending, runs as attempt 3
    String id = io.taskqueue.task.TaskIds.next().toString();
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, owner, lease_until, created_at, updated_at) VALUES (CAST(? AS UUID),"
            + " 'test.block', 'test', '{}', 'running', 4, 2, 3, 'elsewhere',"
            + " CURRENT_TIMESTAMP - INTERVAL '1 second', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        id);
    producer.sendBody("direct:rescue", null);
    awaitStatus(id, "completed");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(3);
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-3");

    // a spent one found by the rescue timer alone, not by a direct call
    String spent = io.taskqueue.task.TaskIds.next().toString();
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, owner, lease_until, created_at, updated_at) VALUES (CAST(? AS UUID),"
            + " 'test.count', 'test', '{}', 'running', 4, 3, 3, 'elsewhere',"
            + " CURRENT_TIMESTAMP - INTERVAL '1 second', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        spent);
    awaitStatus(spent, "dead_letter");
    assertThat(task(spent).get("attempts").asInt()).isEqualTo(3);
    assertThat(handlers.runs(spent)).isZero();
  }

  private static String text(jakarta.jms.Message message) {
    try {
      return ((TextMessage) message).getText();
    } catch (jakarta.jms.JMSException e) {
      throw new IllegalStateException(e);
    }
  }
}
