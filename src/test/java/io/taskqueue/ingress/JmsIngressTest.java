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

  @Test
  void aRedeliveredInboxMessageReturnsTheSameTasks() {
    for (String body :
        new String[] {
          "{\"type\":\"test.count\"}", "[{\"type\":\"test.count\"},{\"type\":\"test.count\"}]"
        }) {
      String messageId = "ID:" + java.util.UUID.randomUUID();
      for (int delivery = 0; delivery < 2; delivery++) {
        producer.send(
            "direct:ingress-message",
            e -> {
              e.getIn().setBody(body);
              e.getIn().setHeader("JMSMessageID", messageId);
              e.setProperty(IngressRoute.INVALID_URI, "mock:never");
            });
      }
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(3);
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE idempotency_key LIKE 'jms:ID:%'"))
        .isEqualTo(3);
  }

  /**
   * A crash right after the database commit, before the inbox message is acknowledged: simulated by
   * a consumer like the built-in one whose first delivery fails after the enqueue. The task exists
   * once and runs within seconds: its group message was committed before the database, not with the
   * inbox acknowledgement that never came.
   */
  @Test
  void aFailureAfterTheDatabaseCommitLeavesOneTaskThatRunsAtOnce() throws Exception {
    java.util.concurrent.atomic.AtomicInteger deliveries =
        new java.util.concurrent.atomic.AtomicInteger();
    String queue = "test.inbox-crash-" + java.util.UUID.randomUUID();
    camel.addRoutes(
        new org.apache.camel.builder.RouteBuilder() {
          @Override
          public void configure() {
            from("jms:queue:"
                    + queue
                    + "?transacted=true&lazyCreateTransactionManager=false"
                    + "&cacheLevelName=CACHE_CONSUMER&disableReplyTo=true")
                .routeId(queue)
                .setProperty(IngressRoute.INVALID_URI, constant("jms:queue:" + queue + ".invalid"))
                .to("direct:ingress-message")
                .process(
                    e -> {
                      if (deliveries.incrementAndGet() == 1) {
                        throw new IllegalStateException("crash before the acknowledgement");
                      }
                    });
          }
        });
    try {
      jms.convertAndSend(queue, "{\"type\":\"test.count\",\"payload\":{\"crash\":1}}");

      await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.get() >= 2);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
      assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
    } finally {
      camel.getRouteController().stopRoute(queue);
      camel.removeRoute(queue);
    }
  }

  @Test
  void aMessageOverTheSizeLimitGoesToTheInvalidQueueUnread() {
    String huge = "{\"type\":\"test.count\",\"payload\":\"" + "z".repeat(17 * 1024 * 1024) + "\"}";
    jms.convertAndSend("taskqueue.inbox", huge);
    jms.setReceiveTimeout(30_000);
    Message rejected = jms.receive("taskqueue.inbox.invalid");
    assertThat(rejected).isNotNull();
    try {
      assertThat(rejected.getStringProperty(IngressRoute.REJECT_REASON))
          .contains("taskqueue.inbox-message-max-bytes")
          .contains("16777216");
    } catch (jakarta.jms.JMSException e) {
      throw new IllegalStateException(e);
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }
}
