package io.taskqueue.flow;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.jms.connection.JmsResourceHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Commits the task messages sent inside the current database transaction, just before that
 * transaction commits.
 *
 * <p>{@code direct:publish-enqueued} sends on a transacted JMS session; inside a database
 * transaction Spring binds that session to it, so all messages of one enqueue request (one task, or
 * a batch of thousands) go to the broker as one JMS transaction: one journal sync instead of one
 * per message. Left to Spring the session would commit <em>after</em> the database, and a crash in
 * between would leave committed tasks without messages. Committing here keeps the order "messages,
 * then tasks": a committed pending task always has its message, and a crash before the database
 * commit only leaves messages whose task never existed, which the workers drop.
 *
 * <p>Those sends go through a connection factory object of their own ({@link #connectionFactory()},
 * the component {@link PublishRoute#ENQUEUE_JMS}), and only the session bound to it is committed
 * here. So an enqueue made inside a JMS consumer (the inbox ingress, a handler calling {@code
 * direct:enqueue}) never sends on that consumer's session (which commits after the database, with
 * its acknowledgement), and a consumer's own transaction is never committed early, whatever the
 * consumer's settings ({@code exposeListenerSession}, a {@code JmsTransactionManager}).
 */
@Component("brokerSends")
public class BrokerSends {

  private final FaultInjection faults;
  private final ConnectionFactory own;

  public BrokerSends(FaultInjection faults, ConnectionFactory connectionFactory) {
    this.faults = faults;
    DelegatingConnectionFactory wrapper = new DelegatingConnectionFactory();
    wrapper.setTargetConnectionFactory(connectionFactory);
    this.own = wrapper;
  }

  /** The factory of the enqueue's sends: the broker's, under an identity of its own. */
  public ConnectionFactory connectionFactory() {
    return own;
  }

  public void commitBeforeDatabase() throws JMSException {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      return; // no surrounding transaction: each send committed on its own
    }
    if (TransactionSynchronizationManager.getResource(own) instanceof JmsResourceHolder holder) {
      holder.commitAll();
    }
    faults.at(FaultInjection.AFTER_BROKER_COMMIT);
  }
}
