package io.taskqueue.flow;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskqueue.task.TaskConstants;
import jakarta.annotation.PreDestroy;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The sender behind {@code direct:task-event}: lifecycle events go to the topic {@link
 * PublishRoute#EVENTS_TOPIC} asynchronously and in batches, so an event costs its caller an offer
 * to a bounded in-memory queue instead of a broker round trip.
 *
 * <p>One thread drains the queue and sends everything that queued up (up to {@value #MAX_BATCH}
 * events) on one long-lived transacted JMS session, one commit per batch; the messages are
 * non-persistent text messages with the JSON {@code {event, id, type, group, at}} as before. When
 * the queue is full ({@code taskqueue.enqueue.event-queue-capacity}) an event is dropped and
 * counted ({@code taskqueue.events.dropped}), as is a batch the broker refused: events are
 * notifications, the task history in the database is the record, and a slow or absent event
 * consumer must never slow down or fail the task flow. {@code at} is the time the event was
 * offered, not sent.
 */
@Component("taskEvents")
public class TaskEvents {

  static final int MAX_BATCH = 500;

  private static final Logger LOG = LoggerFactory.getLogger(TaskEvents.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ConnectionFactory connectionFactory;
  private final BlockingQueue<Map<String, Object>> queue;
  private final Counter sent;
  private final Counter dropped;
  private final Thread sender;
  private volatile boolean stopping;

  private Connection connection;
  private Session session;
  private MessageProducer producer;
  private boolean failing;

  public TaskEvents(
      ConnectionFactory connectionFactory, EnqueueSettings settings, MeterRegistry registry) {
    this.connectionFactory = connectionFactory;
    this.queue = new ArrayBlockingQueue<>(Math.max(1, settings.getEventQueueCapacity()));
    this.sent =
        Counter.builder("taskqueue.events.sent")
            .description("Lifecycle events sent to the events topic")
            .register(registry);
    this.dropped =
        Counter.builder("taskqueue.events.dropped")
            .description(
                "Lifecycle events dropped: the event queue was full or the broker refused them")
            .register(registry);
    Gauge.builder("taskqueue.events.backlog", queue, BlockingQueue::size)
        .description("Lifecycle events waiting to be sent")
        .register(registry);
    this.sender = new Thread(this::run, "taskqueue-events");
    sender.setDaemon(true);
    sender.start();
  }

  /** Queues the event named by header {@code TaskEvent} about the task in the other headers. */
  public void announce(Exchange exchange) {
    Message in = exchange.getIn();
    offer(
        in.getHeader(TaskConstants.EVENT, String.class),
        in.getHeader(TaskConstants.ID),
        in.getHeader(TaskConstants.TYPE),
        in.getHeader(TaskConstants.GROUP));
  }

  /**
   * Queues event {@code TaskEvent} (a header) for each task of the body, a list of maps with {@code
   * TaskId}, {@code TaskType} and {@code TaskGroup}.
   */
  public void announceAll(Exchange exchange) {
    String event = exchange.getIn().getHeader(TaskConstants.EVENT, String.class);
    List<?> tasks = exchange.getIn().getBody(List.class);
    if (tasks == null) {
      return;
    }
    for (Object task : tasks) {
      Map<?, ?> t = (Map<?, ?>) task;
      offer(event, t.get(TaskConstants.ID), t.get(TaskConstants.TYPE), t.get(TaskConstants.GROUP));
    }
  }

  private volatile java.util.function.BiConsumer<String, Object> observer = (event, group) -> {};

  /** Told of every lifecycle event offered (its name and group), on the offering thread. */
  void observe(java.util.function.BiConsumer<String, Object> observer) {
    this.observer = observer;
  }

  /** Queues one event; false (and counted) when the queue is full. */
  public boolean offer(String event, Object id, Object type, Object group) {
    observer.accept(event, group);
    Map<String, Object> body = new LinkedHashMap<>(8);
    body.put("event", event);
    body.put("id", id == null ? null : id.toString());
    body.put("type", type);
    body.put("group", group);
    body.put("at", Instant.now().toString());
    return offer(body);
  }

  /** Queues one event given as its JSON fields ({@code event} first); false when dropped. */
  public boolean offer(Map<String, Object> body) {
    if (stopping || !queue.offer(body)) {
      dropped.increment();
      return false;
    }
    return true;
  }

  /** Events waiting to be sent. */
  public int backlog() {
    return queue.size();
  }

  public double droppedCount() {
    return dropped.count();
  }

  private void run() {
    List<Map<String, Object>> batch = new ArrayList<>(MAX_BATCH);
    while (!stopping || !queue.isEmpty()) {
      try {
        Map<String, Object> first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        send(batch);
      } catch (InterruptedException e) {
        if (stopping) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
    close();
  }

  private void send(List<Map<String, Object>> batch) throws InterruptedException {
    try {
      if (producer == null) {
        connection = connectionFactory.createConnection();
        session = connection.createSession(true, Session.SESSION_TRANSACTED);
        producer = session.createProducer(session.createTopic(PublishRoute.EVENTS_TOPIC));
        producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT);
      }
      for (Map<String, Object> event : batch) {
        producer.send(session.createTextMessage(JSON.writeValueAsString(event)));
      }
      session.commit();
      sent.increment(batch.size());
      if (failing) {
        LOG.info("Sending lifecycle events again");
        failing = false;
      }
    } catch (Exception e) {
      dropped.increment(batch.size());
      if (!failing) {
        LOG.warn(
            "Cannot send lifecycle events to {} ({}); dropping them until the broker is back",
            PublishRoute.EVENTS_TOPIC,
            e.toString());
        failing = true;
      }
      close();
      if (!stopping) {
        Thread.sleep(1000); // while the broker is away, do not spin
      }
    }
  }

  private void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (Exception e) {
      LOG.debug("Closing the events connection: {}", e.toString());
    }
    connection = null;
    session = null;
    producer = null;
  }

  /** Sends what is queued (a few seconds at most), then stops. */
  @PreDestroy
  public void stop() {
    stopping = true;
    try {
      sender.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (sender.isAlive()) {
      sender.interrupt();
    }
  }
}
