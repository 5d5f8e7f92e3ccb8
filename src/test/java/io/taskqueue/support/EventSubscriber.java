package io.taskqueue.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A JMS subscriber of the topic {@code taskqueue.events}, keeping every event it receives. */
public final class EventSubscriber implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection connection;
  private final List<JsonNode> events = new CopyOnWriteArrayList<>();

  public EventSubscriber(ConnectionFactory factory) throws JMSException {
    connection = factory.createConnection();
    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    MessageConsumer consumer = session.createConsumer(session.createTopic("taskqueue.events"));
    consumer.setMessageListener(
        m -> {
          try {
            events.add(JSON.readTree(((TextMessage) m).getText()));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    connection.start();
  }

  /** The events named {@code name} (e.g. {@code alert.circuit-opened}) about {@code group}. */
  public List<JsonNode> named(String name, String group) {
    return events.stream()
        .filter(e -> name.equals(e.path("event").asText()))
        .filter(e -> group == null || group.equals(e.path("group").asText()))
        .toList();
  }

  @Override
  public void close() throws JMSException {
    connection.close();
  }
}
