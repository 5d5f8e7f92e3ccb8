package io.taskqueue.flow;

import jakarta.jms.JMSException;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Commits the task messages sent inside the current database transaction, just before that
 * transaction commits.
 *
 * <p>{@code direct:publish} sends on a transacted JMS session; inside a database transaction Spring
 * binds that session to it, so all messages of one enqueue request (one task, or a batch of
 * thousands) go to the broker as one JMS transaction: one journal sync instead of one per message.
 * Left to Spring the session would commit <em>after</em> the database, and a crash in between would
 * leave committed tasks without messages. Committing here keeps the order "messages, then tasks": a
 * committed pending task always has its message, and a crash before the database commit only leaves
 * messages whose task never existed, which the workers drop.
 */
@Component("brokerSends")
public class BrokerSends {

  public void commitBeforeDatabase() throws JMSException {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      return; // no surrounding transaction: each send committed on its own
    }
    for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
      // exactly the holder JmsTemplate binds for its sends: a listener's exposed session (a
      // subclass; the worker's consume transaction) commits with its own delivery
      if (resource.getClass() == JmsResourceHolder.class) {
        JmsResourceHolder holder = (JmsResourceHolder) resource;
        holder.commitAll();
      }
    }
  }
}
