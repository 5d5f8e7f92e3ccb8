package io.taskqueue.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jms.core.JmsTemplate;

/** The JMS ingress, driven by a real JMS client against the embedded broker. */
class JmsIngressTest extends TaskQueueTestSupport {

  @Autowired JmsTemplate jms;

  @Test
  void validMessagesBecomeTasksThatComplete() {
    jms.convertAndSend(
        "taskqueue.inbox", "{\"type\":\"test.count\",\"payload\":{\"via\":\"jms\"}}");
    jms.convertAndSend(
        "taskqueue.inbox",
        "[{\"type\":\"demo.echo\",\"payload\":1},{\"type\":\"demo.echo\",\"payload\":2}]");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 3);
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE resource_group = 'demo'")).isEqualTo(2);
    assertThat(
            jdbc.queryForObject(
                "SELECT payload FROM tasks WHERE type = 'test.count'", String.class))
        .isEqualTo("{\"via\":\"jms\"}");
  }

  @Test
  void clientPropertiesCannotSteerTheFlow() {
    jms.convertAndSend(
        "taskqueue.inbox",
        "{\"type\":\"test.count\"}",
        m -> {
          m.setStringProperty("TaskGroup", "default");
          m.setStringProperty("TaskId", "00000000-0000-0000-0000-000000000001");
          m.setStringProperty("CamelJmsDestinationName", "taskqueue.inbox.invalid");
          m.setStringProperty("CamelSqlQuery", "DELETE FROM tasks");
          return m;
        });

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
    assertThat(jdbc.queryForObject("SELECT resource_group FROM tasks", String.class))
        .isEqualTo("test");
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE CAST(id AS VARCHAR) LIKE '00000000%'"))
        .isZero();
  }

  @Test
  void invalidMessagesGoToTheInvalidQueueWithTheirReason() throws Exception {
    String badPriority =
        "[{\"type\":\"demo.echo\"},{\"type\":\"demo.echo\",\"priority\":\"high\"}]";
    jms.convertAndSend("taskqueue.inbox", badPriority);
    jms.convertAndSend(
        "taskqueue.inbox",
        "{not json",
        m -> {
          m.setStringProperty("CorrelationKey", "c-42");
          return m;
        });

    jms.setReceiveTimeout(30_000);
    Message first = jms.receive("taskqueue.inbox.invalid");
    Message second = jms.receive("taskqueue.inbox.invalid");
    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    Message priority = ((TextMessage) first).getText().equals(badPriority) ? first : second;
    Message broken = priority == first ? second : first;

    assertThat(((TextMessage) priority).getText()).isEqualTo(badPriority);
    assertThat(priority.getStringProperty(IngressRoute.REJECT_FIELD)).isEqualTo("[1].priority");
    assertThat(priority.getStringProperty(IngressRoute.REJECT_REASON)).contains("whole number");
    assertThat(((TextMessage) broken).getText()).isEqualTo("{not json");
    assertThat(broken.getStringProperty(IngressRoute.REJECT_REASON)).startsWith("Malformed JSON");
    assertThat(broken.getStringProperty(IngressRoute.REJECT_FIELD)).isNull();
    assertThat(broken.getStringProperty("CorrelationKey")).isEqualTo("c-42");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }
}
