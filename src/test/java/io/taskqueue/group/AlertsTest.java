package io.taskqueue.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.EventSubscriber;
import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Alerts on {@code taskqueue.events} (test config: checked every second over 20 s; error rate 50 %
 * of at least 10 outcomes; 5 dead letters): a burst of failing tasks raises {@code
 * alert.error-rate} and {@code alert.dead-letter-growth}, an unclassified handler error raises
 * {@code alert.system-error}; each once per quiet period, not once per task.
 */
class AlertsTest extends TaskQueueTestSupport {

  @Autowired ConnectionFactory connectionFactory;

  @Test
  void failingTasksRaiseErrorRateDeadLetterGrowthAndSystemErrorOnce() throws Exception {
    try (EventSubscriber events = new EventSubscriber(connectionFactory)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        // validation failures: dead-lettered at once
        ids.add(
            enqueue(
                "{\"type\":\"demo.fail\",\"group\":\"alerting\",\"payload\":{\"kind\":\"validation\",\"i\":"
                    + i
                    + "}}"));
      }
      for (int i = 0; i < 3; i++) {
        // an unclassified exception: a system failure, retried
        ids.add(
            enqueue(
                "{\"type\":\"test.fail-system\",\"group\":\"alerting\",\"maxAttempts\":1,\"payload\":{\"i\":"
                    + i
                    + "}}"));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ids.stream().allMatch(id -> "dead_letter".equals(status(id))));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () ->
                  !events.named("alert.error-rate", "alerting").isEmpty()
                      && !events.named("alert.dead-letter-growth", "alerting").isEmpty()
                      && !events.named("alert.system-error", "alerting").isEmpty());
      JsonNode rate = events.named("alert.error-rate", "alerting").get(0);
      assertThat(rate.get("failed").asLong()).isGreaterThanOrEqualTo(10);
      assertThat(rate.get("errorRate").asDouble()).isGreaterThanOrEqualTo(0.5);
      assertThat(
              events
                  .named("alert.dead-letter-growth", "alerting")
                  .get(0)
                  .get("deadLettered")
                  .asLong())
          .isGreaterThanOrEqualTo(5);
      JsonNode system = events.named("alert.system-error", "alerting").get(0);
      assertThat(system.get("type").asText()).isEqualTo("test.fail-system");
      // three system failures, one alert (quiet period 5 min); the checks ran many times
      assertThat(events.named("alert.system-error", "alerting")).hasSize(1);
      assertThat(events.named("alert.error-rate", "alerting")).hasSize(1);
      assertThat(events.named("alert.dead-letter-growth", "alerting")).hasSize(1);
    }
  }
}
