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
 * Lifecycle events on the topic taskqueue.events: created only after the commit, then completed.
 */
class TaskEventsTest extends TaskQueueTestSupport {

  @Autowired ConnectionFactory connectionFactory;

  @Test
  void createdAndCompletedAreAnnouncedAndARejectedBatchAnnouncesNothing() throws Exception {
    List<JsonNode> events = new CopyOnWriteArrayList<>();
    try (Connection connection = connectionFactory.createConnection()) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageConsumer consumer = session.createConsumer(session.createTopic("taskqueue.events"));
      consumer.setMessageListener(
          m -> {
            try {
              events.add(json(((TextMessage) m).getText()));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
      connection.start();

      // invalid second element: nothing stored, nothing announced
      assertThat(
              post("/api/tasks/batch", "[{\"type\":\"test.count\"},{\"type\":\"BAD\"}]")
                  .statusCode())
          .isEqualTo(400);
      String id = enqueue("{\"type\":\"test.count\",\"payload\":{}}");

      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  events.stream()
                      .anyMatch(
                          e ->
                              e.get("event").asText().equals("task.completed")
                                  && e.get("id").asText().equals(id)));
      JsonNode created =
          events.stream()
              .filter(e -> e.get("event").asText().equals("task.created"))
              .findFirst()
              .orElseThrow();
      assertThat(created.get("id").asText()).isEqualTo(id);
      assertThat(created.get("type").asText()).isEqualTo("test.count");
      assertThat(created.get("group").asText()).isEqualTo("test");
      assertThat(events).filteredOn(e -> e.get("event").asText().equals("task.created")).hasSize(1);
    }
  }
}
