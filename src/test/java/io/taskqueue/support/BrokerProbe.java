package io.taskqueue.support;

import org.apache.activemq.artemis.core.postoffice.QueueBinding;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;

/**
 * Counts what reached the embedded broker, to prove that rejected input sent nothing. A plain class
 * (not a bean), so tests that use it share the suite's one Spring context.
 */
public class BrokerProbe {

  private final ActiveMQServer server;

  public BrokerProbe(org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ embedded) {
    this.server = embedded.getActiveMQServer();
  }

  /** Messages ever added to the queues whose name starts with {@code prefix}. */
  public long messagesAdded(String prefix) {
    return server
        .getPostOffice()
        .getAllBindings()
        .filter(QueueBinding.class::isInstance)
        .map(b -> ((QueueBinding) b).getQueue())
        .filter(q -> q.getName().toString().startsWith(prefix))
        .mapToLong(Queue::getMessagesAdded)
        .sum();
  }

  /** Messages added to every task group queue ({@code taskqueue.group.*}). */
  public long groupMessagesAdded() {
    return messagesAdded("taskqueue.group.");
  }

  /** Messages on queue {@code name} now, 0 when it does not exist. */
  public long messageCount(String name) {
    Queue queue = server.locateQueue(name);
    return queue == null ? 0 : queue.getMessageCount();
  }
}
