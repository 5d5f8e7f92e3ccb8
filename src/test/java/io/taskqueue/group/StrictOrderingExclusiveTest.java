package io.taskqueue.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.config.BrokerConfiguration;
import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.support.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.activemq.artemis.core.server.Queue;
import org.junit.jupiter.api.Test;

/**
 * {@code ordering: strict} across nodes: the group's queue is exclusive, so of two consumers
 * connected at once (two nodes, each with its one strict consumer) only one receives, in order; the
 * other takes over when the first goes. A relaxed group's queue spreads the same messages.
 */
class StrictOrderingExclusiveTest {

  private static TaskQueueProperties properties(GroupSettings.Ordering ordering) {
    TaskQueueProperties properties = new TaskQueueProperties();
    GroupSettings group = new GroupSettings();
    group.setOrdering(ordering);
    properties.getGroups().put("ordered", group);
    return properties;
  }

  @Test
  void onlyOneOfTwoConnectedConsumersReceivesAStrictGroupsMessages() throws Exception {
    TaskQueueProperties strict = properties(GroupSettings.Ordering.STRICT);
    try (TestBroker broker = TestBroker.start(null, c -> BrokerConfiguration.applyTo(c, strict));
        Connection nodeA = broker.connectionFactory().createConnection();
        Connection nodeB = broker.connectionFactory().createConnection();
        Connection sender = broker.connectionFactory().createConnection()) {
      List<String> atA = new CopyOnWriteArrayList<>();
      List<String> atB = new CopyOnWriteArrayList<>();
      MessageConsumer a = consume(nodeA, atA);
      consume(nodeB, atB);
      send(sender, 0, 20);

      await().atMost(Duration.ofSeconds(10)).until(() -> atA.size() + atB.size() == 20);
      List<String> receiver = atA.isEmpty() ? atB : atA;
      assertThat(atA.isEmpty() || atB.isEmpty()).as("A got %s, B got %s", atA, atB).isTrue();
      assertThat(receiver).containsExactlyElementsOf(numbers(0, 20));

      // the receiving node goes: the other one takes over, still alone
      if (receiver == atA) {
        a.close();
        nodeA.close();
      } else {
        nodeB.close();
      }
      List<String> other = receiver == atA ? atB : atA;
      send(sender, 20, 25);
      await().atMost(Duration.ofSeconds(10)).until(() -> other.size() == 5);
      assertThat(other).containsExactlyElementsOf(numbers(20, 25));
      assertThat(receiver).hasSize(20);
    }
  }

  @Test
  void aRelaxedGroupsMessagesGoToBothConsumers() throws Exception {
    TaskQueueProperties relaxed = properties(GroupSettings.Ordering.RELAXED);
    try (TestBroker broker = TestBroker.start(null, c -> BrokerConfiguration.applyTo(c, relaxed));
        Connection nodeA = broker.connectionFactory().createConnection();
        Connection nodeB = broker.connectionFactory().createConnection();
        Connection sender = broker.connectionFactory().createConnection()) {
      List<String> atA = new CopyOnWriteArrayList<>();
      List<String> atB = new CopyOnWriteArrayList<>();
      consume(nodeA, atA);
      consume(nodeB, atB);
      send(sender, 0, 20);
      await().atMost(Duration.ofSeconds(10)).until(() -> atA.size() + atB.size() == 20);
      assertThat(atA).isNotEmpty();
      assertThat(atB).isNotEmpty();
    }
  }

  @Test
  void aQueueCreatedBeforeTheGroupBecameStrictIsExclusiveAfterARestart(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("broker"));
    int port;
    try (TestBroker broker =
        TestBroker.start(
            data,
            c -> BrokerConfiguration.applyTo(c, properties(GroupSettings.Ordering.RELAXED)))) {
      port = broker.port();
      try (Connection c = broker.connectionFactory().createConnection()) {
        send(c, 0, 1);
      }
      assertThat(broker.server().locateQueue("taskqueue.group.ordered").isExclusive()).isFalse();
    }
    try (TestBroker broker =
        TestBroker.start(
            data,
            port,
            c -> BrokerConfiguration.applyTo(c, properties(GroupSettings.Ordering.STRICT)))) {
      Queue queue = broker.server().locateQueue("taskqueue.group.ordered");
      assertThat(queue.isExclusive()).isTrue();
      assertThat(queue.getMessageCount()).isEqualTo(1);
    }
  }

  private static MessageConsumer consume(Connection connection, List<String> received)
      throws Exception {
    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    MessageConsumer consumer =
        session.createConsumer(session.createQueue("taskqueue.group.ordered"));
    consumer.setMessageListener(
        m -> {
          try {
            received.add(((TextMessage) m).getText());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    connection.start();
    return consumer;
  }

  private static void send(Connection connection, int from, int to) throws Exception {
    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    MessageProducer producer =
        session.createProducer(session.createQueue("taskqueue.group.ordered"));
    for (int i = from; i < to; i++) {
      producer.send(session.createTextMessage(String.valueOf(i)));
    }
    session.close();
  }

  private static List<String> numbers(int from, int to) {
    List<String> list = new ArrayList<>();
    for (int i = from; i < to; i++) {
      list.add(String.valueOf(i));
    }
    return list;
  }
}
