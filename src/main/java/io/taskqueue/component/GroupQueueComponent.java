package io.taskqueue.component;

import jakarta.jms.ConnectionFactory;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code groupqueue:} component: {@code groupqueue:<queue>?maxBatch=&receivers=} consumes a
 * resource group's broker queue in batches, so one broker transaction and one acquire statement
 * cover many tasks. See {@link GroupQueueConsumer}.
 */
public class GroupQueueComponent extends DefaultComponent {

  private final ConnectionFactory connectionFactory;

  public GroupQueueComponent(ConnectionFactory connectionFactory) {
    this.connectionFactory = connectionFactory;
  }

  private final java.util.Map<Integer, ConnectionFactory> byWindow =
      new java.util.concurrent.ConcurrentHashMap<>();

  ConnectionFactory connectionFactory() {
    return connectionFactory;
  }

  /**
   * The broker's connection factory with a consumer window of {@code windowBytes}: messages the
   * client buffers ahead, so a batch is taken from memory instead of one round trip per message.
   * The application's shared factory keeps its own window (0 by default).
   */
  ConnectionFactory connectionFactory(int windowBytes) {
    return byWindow.computeIfAbsent(
        windowBytes,
        window -> {
          org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory artemis =
              io.taskqueue.config.BrokerConfiguration.unwrap(connectionFactory);
          if (artemis == null || artemis.getConsumerWindowSize() == window) {
            return connectionFactory;
          }
          org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory copy =
              new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                  false, artemis.getStaticConnectors());
          copy.setUser(artemis.getUser());
          copy.setPassword(artemis.getPassword());
          copy.setCacheDestinations(true);
          copy.setConsumerWindowSize(window);
          return copy;
        });
  }

  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    GroupQueueEndpoint endpoint = new GroupQueueEndpoint(uri, this, remaining);
    setProperties(endpoint, parameters);
    return endpoint;
  }
}
