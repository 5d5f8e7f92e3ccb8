package io.taskqueue.component;

import io.taskqueue.metrics.FlowMetrics;
import io.taskqueue.task.TaskConstants;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.jms.connection.SingleConnectionFactory;

/**
 * Consumes a group queue in batches: each receiver thread takes up to as many messages as the
 * worker has room for ({@link ReceiveSlots}, at most {@code maxBatch}) in one transacted JMS
 * session, hands them to the route as one exchange (body: {@code List<Delivery>}), and commits the
 * session when the route is done; a route error rolls every message of the batch back to the
 * broker.
 *
 * <p>A message the route cannot take now (its task is not visible yet, or no handler for its type
 * runs here) is listed in the exchange property {@link #GIVE_BACK}: a copy goes back on the queue,
 * delayed, in the same broker transaction that acknowledges the original, so it is never lost and
 * the other messages of the batch need not be rolled back with it. The copy counts how often it was
 * given back ({@link #GIVEN_BACK}) and keeps the original send time ({@link #FIRST_SENT}).
 */
public class GroupQueueConsumer extends DefaultConsumer {

  private static final Logger LOG = LoggerFactory.getLogger(GroupQueueConsumer.class);

  /** Exchange property: {@code List<GiveBack>} to put back on the queue before the commit. */
  public static final String GIVE_BACK = "TaskqueueGiveBack";

  /** Exchange property: how many of the batch's slots the route kept (the acquired tasks). */
  public static final String SLOTS_USED = "TaskqueueSlotsUsed";

  /** Message property: how often this task's message was given back. */
  public static final String GIVEN_BACK = "TaskGivenBack";

  /** Message property: the send time of the first message of this delivery chain. */
  public static final String FIRST_SENT = "TaskFirstSent";

  /** One received message. */
  public record Delivery(
      String id, String type, int priority, int deliveries, long sentAt, Message message) {}

  /** A message to put back on the queue after {@code delayMillis}. */
  public record GiveBack(Delivery delivery, long delayMillis) {}

  private final GroupQueueEndpoint endpoint;
  private ExecutorService threads;
  private volatile boolean running;
  private FlowMetrics metrics;

  GroupQueueConsumer(GroupQueueEndpoint endpoint, Processor processor) {
    super(endpoint, processor);
    this.endpoint = endpoint;
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    metrics = endpoint.getCamelContext().getRegistry().findSingleByType(FlowMetrics.class);
    running = true;
    threads =
        getEndpoint()
            .getCamelContext()
            .getExecutorServiceManager()
            .newFixedThreadPool(this, "groupqueue-" + endpoint.getQueue(), endpoint.getReceivers());
    for (int i = 0; i < endpoint.getReceivers(); i++) {
      threads.execute(this::receiveLoop);
    }
  }

  @Override
  protected void doStop() throws Exception {
    running = false;
    if (threads != null) {
      threads.shutdown();
      if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
        threads.shutdownNow();
      }
      getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(threads);
      threads = null;
    }
    super.doStop();
  }

  private void receiveLoop() {
    long backoff = 100;
    while (running) {
      try (Connection connection = factory().createConnection()) {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = session.createQueue(endpoint.getQueue());
        MessageConsumer consumer = session.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        connection.start();
        backoff = 100;
        while (running) {
          receiveBatch(session, consumer, producer);
        }
      } catch (JMSException e) {
        if (!running) {
          return;
        }
        LOG.warn(
            "Broker connection of {} failed ({}); reconnecting in {} ms",
            endpoint.getQueue(),
            e.getMessage(),
            backoff);
        if (!pause(backoff)) {
          return;
        }
        backoff = Math.min(5000, backoff * 2);
      } catch (RuntimeException e) {
        LOG.error("Receiver of {} failed; restarting it", endpoint.getQueue(), e);
        if (!pause(1000)) {
          return;
        }
      }
    }
  }

  private void receiveBatch(Session session, MessageConsumer consumer, MessageProducer producer)
      throws JMSException {
    // one slot per message, taken before the message: a receiver never holds slots it may not
    // fill while it waits for the queue, so the group's receivers share the free slots
    ReceiveSlots slots = slots();
    int room;
    try {
      room = slots == null ? 1 : slots.take(1, 500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
      return;
    }
    if (room == 0) {
      return;
    }
    int used = 0;
    try {
      Message first = consumer.receive(500);
      if (first == null) {
        return;
      }
      if (slots != null && slots.heldBack()) {
        // paused or circuit opened while this receiver waited: the message goes back untouched
        session.rollback();
        return;
      }
      List<Delivery> batch = new ArrayList<>();
      batch.add(delivery(first));
      while (batch.size() < endpoint.getMaxBatch()) {
        if (slots != null && slots.take(1, 0) == 0) {
          break;
        }
        room++;
        Message next = consumer.receiveNoWait();
        if (next == null) {
          break;
        }
        batch.add(delivery(next));
      }
      Exchange exchange = createExchange(false);
      exchange.getIn().setBody(batch);
      try {
        getProcessor().process(exchange);
      } catch (Exception e) {
        exchange.setException(e);
      }
      if (exchange.getException() != null) {
        session.rollback();
        getExceptionHandler()
            .handleException(
                "Batch of " + batch.size() + " from " + endpoint.getQueue() + " rolled back",
                exchange,
                exchange.getException());
      } else {
        used = exchange.getProperty(SLOTS_USED, 0, Integer.class);
        int givenBack = giveBack(session, producer, exchange);
        session.commit();
        if (givenBack > 0 && metrics != null) {
          metrics.givenBack(givenBack);
        }
      }
      releaseExchange(exchange, false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      if (slots != null && room > used) {
        slots.giveBack(room - used);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private int giveBack(Session session, MessageProducer producer, Exchange exchange)
      throws JMSException {
    List<GiveBack> giveBack = exchange.getProperty(GIVE_BACK, List.class);
    if (giveBack == null) {
      return 0;
    }
    for (GiveBack back : giveBack) {
      Message original = back.delivery().message();
      TextMessage copy = session.createTextMessage(back.delivery().id());
      Enumeration<?> names = original.getPropertyNames();
      while (names.hasMoreElements()) {
        String name = (String) names.nextElement();
        if (!name.startsWith("JMSX") && !name.startsWith("_AMQ")) {
          copy.setObjectProperty(name, original.getObjectProperty(name));
        }
      }
      copy.setIntProperty(GIVEN_BACK, back.delivery().deliveries());
      copy.setLongProperty(FIRST_SENT, back.delivery().sentAt());
      if (back.delayMillis() > 0) {
        copy.setLongProperty(
            TaskConstants.SCHEDULED_DELIVERY, System.currentTimeMillis() + back.delayMillis());
      }
      producer.send(copy, DeliveryMode.PERSISTENT, back.delivery().priority(), 0);
    }
    return giveBack.size();
  }

  private static Delivery delivery(Message message) throws JMSException {
    String id =
        message instanceof TextMessage text
            ? text.getText()
            : message.getStringProperty(TaskConstants.ID);
    int deliveries = message.getIntProperty(TaskConstants.DELIVERY_COUNT);
    if (message.propertyExists(GIVEN_BACK)) {
      deliveries += message.getIntProperty(GIVEN_BACK);
    }
    long sentAt =
        message.propertyExists(FIRST_SENT)
            ? message.getLongProperty(FIRST_SENT)
            : message.getJMSTimestamp();
    return new Delivery(
        id,
        message.getStringProperty(TaskConstants.TYPE),
        message.getJMSPriority(),
        Math.max(1, deliveries),
        sentAt,
        message);
  }

  private ReceiveSlots slots() {
    String ref = endpoint.getSlots();
    return ref == null
        ? null
        : getEndpoint()
            .getCamelContext()
            .getRegistry()
            .lookupByNameAndType(ref, ReceiveSlots.class);
  }

  /** The broker's own factory: Spring's caching wrapper would share one session among threads. */
  private ConnectionFactory factory() {
    ConnectionFactory factory = endpoint.component().connectionFactory(endpoint.getWindowBytes());
    while (true) {
      if (factory instanceof SingleConnectionFactory single
          && single.getTargetConnectionFactory() != null) {
        factory = single.getTargetConnectionFactory();
      } else if (factory instanceof DelegatingConnectionFactory delegating
          && delegating.getTargetConnectionFactory() != null) {
        factory = delegating.getTargetConnectionFactory();
      } else {
        return factory;
      }
    }
  }

  private boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return running;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
