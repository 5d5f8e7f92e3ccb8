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

  ConnectionFactory connectionFactory() {
    return connectionFactory;
  }

  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    GroupQueueEndpoint endpoint = new GroupQueueEndpoint(uri, this, remaining);
    setProperties(endpoint, parameters);
    return endpoint;
  }
}
