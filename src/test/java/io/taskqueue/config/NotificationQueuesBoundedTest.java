package io.taskqueue.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Duration;
import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.Test;

/**
 * Dead-letter notices ({@code taskqueue.dlq.<group>}) and invalid JMS input ({@code
 * taskqueue.inbox.invalid}) cannot grow without bound: unread ones expire, and a full queue drops
 * new ones. Task queues keep everything.
 */
class NotificationQueuesBoundedTest {

  @Test
  void unreadNotificationsExpire() throws Exception {
    TaskQueueProperties properties = new TaskQueueProperties();
    properties.getBroker().setNotificationExpiry(Duration.ofMillis(300));
    try (TestBroker broker =
        TestBroker.start(
            null,
            c -> {
              BrokerConfiguration.applyTo(c, properties);
              c.setMessageExpiryScanPeriod(100);
            })) {
      send(broker, "taskqueue.dlq.email", 3, 100);
      send(broker, "taskqueue.inbox.invalid", 3, 100);
      send(broker, "taskqueue.group.email", 3, 100);
      await().atMost(Duration.ofSeconds(10)).until(() -> count(broker, "taskqueue.dlq.email") == 0);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> count(broker, "taskqueue.inbox.invalid") == 0);
      assertThat(count(broker, "taskqueue.group.email")).isEqualTo(3);
    }
  }

  @Test
  void aFullNotificationQueueDropsNewNotices() throws Exception {
    TaskQueueProperties properties = new TaskQueueProperties();
    properties.getBroker().setNotificationMaxBytes(50_000);
    try (TestBroker broker =
        TestBroker.start(null, c -> BrokerConfiguration.applyTo(c, properties))) {
      send(broker, "taskqueue.dlq.email", 200, 1000);
      send(broker, "taskqueue.group.email", 200, 1000);
      long kept = count(broker, "taskqueue.dlq.email");
      assertThat(kept).isPositive().isLessThan(100);
      assertThat(count(broker, "taskqueue.group.email")).isEqualTo(200);
    }
  }

  private static void send(TestBroker broker, String queue, int n, int bytes) throws Exception {
    try (Connection c = broker.connectionFactory().createConnection()) {
      Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageProducer producer = s.createProducer(s.createQueue(queue));
      for (int i = 0; i < n; i++) {
        producer.send(s.createTextMessage("x".repeat(bytes)));
      }
    }
  }

  private static long count(TestBroker broker, String name) {
    Queue queue = broker.server().locateQueue(name);
    return queue == null ? 0 : queue.getMessageCount();
  }
}
