package io.taskqueue.flow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskqueue.task.InvalidTaskException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Group commit of enqueues: concurrent enqueue requests (HTTP, JMS inbox, files, handlers) share
 * one database transaction and one broker commit, see {@link GroupCommit}.
 *
 * <p>Each caller validates, assigns ids and routes its tasks in its own thread ({@code
 * direct:prepare-task}), then hands its prepared request to {@link #write}. A writer thread takes
 * every request that queued up while it was busy and calls {@code direct:enqueue-group} with all of
 * them: one JDBC batch of inserts, the messages on one transacted session, the broker commit, then
 * the database commit (the order of {@link BrokerSends}), then the {@code task.created} events.
 * Only then is each caller answered, with its own replies: a 2xx still means durable.
 *
 * <p><b>One request never fails another.</b> When the group fails before its commit (a reused
 * idempotency key, H2's "in progress", any insert or send error) everything is rolled back and the
 * writer redoes each request of the group alone, in its own transaction: the faulty one gets its
 * own error, the others are stored. A request is all or nothing, also a batch of thousands.
 *
 * <p>Before start and after stop (this bean stops before Camel) a caller writes its request alone
 * in its own thread, so shutting down never fails an enqueue.
 */
@Component("enqueueCommits")
public class EnqueueCommits implements SmartLifecycle {

  /** Exchange property of {@code direct:enqueue-group}: the {@code List<Request>} of the group. */
  static final String REQUESTS = "TaskqueueGroupRequests";

  /** Exchange property of {@code direct:enqueue-group}: one {@link Outcome} per request. */
  static final String OUTCOMES = "TaskqueueGroupOutcomes";

  /** Exchange property of {@code direct:enqueue-group}: set once the group is committed. */
  static final String COMMITTED = "TaskqueueGroupCommitted";

  private static final Logger LOG = LoggerFactory.getLogger(EnqueueCommits.class);

  /**
   * One enqueue request: its prepared task rows (the headers of {@code direct:prepare-task}).
   *
   * @param batch whether error fields name the element ({@code [3].idempotencyKey})
   */
  record Request(List<Map<String, Object>> rows, boolean batch) {}

  /** A request's answer: one reply per task and how many it created; or its failure. */
  record Outcome(List<Map<String, Object>> replies, int created, Exception failure) {}

  private final ApplicationContext context;
  private final EnqueueSettings settings;
  private final DistributionSummary commitSize;
  private final DistributionSummary commitRequests;
  private final Counter redone;
  private final AtomicInteger writing = new AtomicInteger();
  private final LazyProducer producer;
  private volatile GroupCommit<Request, Outcome> commits;
  private volatile boolean running;

  /**
   * Takes the application context, not the CamelContext: see {@link WorkerShutdown}; the producer
   * template is made on first use.
   */
  public EnqueueCommits(
      ApplicationContext context, EnqueueSettings settings, MeterRegistry registry) {
    this.context = context;
    this.producer = new LazyProducer(() -> context.getBean(CamelContext.class));
    this.settings = settings;
    this.commitSize =
        DistributionSummary.builder("taskqueue.enqueue.commit.size")
            .description("Tasks stored by one enqueue commit (a group of concurrent requests)")
            .baseUnit("tasks")
            .register(registry);
    this.commitRequests =
        DistributionSummary.builder("taskqueue.enqueue.commit.requests")
            .description("Enqueue requests sharing one commit")
            .baseUnit("requests")
            .register(registry);
    this.redone =
        Counter.builder("taskqueue.enqueue.commit.redone")
            .description(
                "Groups of enqueue requests rolled back and redone request by request, because"
                    + " one of them failed")
            .register(registry);
    Gauge.builder("taskqueue.enqueue.backlog", this, EnqueueCommits::backlog)
        .description("Enqueue requests waiting for a writer of the group commit")
        .register(registry);
  }

  /**
   * Stores and publishes the prepared task rows of the body ({@code List<Map>}) with the requests
   * that queued up meanwhile; returns when they are durable. Sets the body to the replies and adds
   * the tasks created to {@link EnqueueRoute#CREATED}; throws the request's own error.
   */
  @SuppressWarnings("unchecked")
  public void write(Exchange exchange) throws Exception {
    Request request =
        new Request(
            exchange.getIn().getBody(List.class),
            exchange.getProperty(EnqueueRoute.BATCH, false, Boolean.class));
    Outcome outcome = null;
    GroupCommit<Request, Outcome> group = commits;
    if (group != null) {
      try {
        outcome = group.write(request);
      } catch (IllegalStateException closed) {
        if (commits != null) {
          throw closed;
        }
        // stopped after the request was queued and before a writer took it: write it here
      }
    }
    if (outcome == null) {
      outcome = writeGroup(List.of(request)).get(0);
    }
    if (outcome.failure() != null) {
      throw outcome.failure();
    }
    exchange.getProperty(EnqueueRoute.CREATED, AtomicInteger.class).addAndGet(outcome.created());
    exchange.getIn().setBody(outcome.replies());
  }

  /** A writer thread's batch. */
  private List<Outcome> writeBatch(List<Request> requests) {
    writing.incrementAndGet();
    try {
      return writeGroup(requests);
    } finally {
      writing.decrementAndGet();
    }
  }

  /** The writer: one commit for all requests, or each alone when that fails. Never throws. */
  @SuppressWarnings("unchecked")
  List<Outcome> writeGroup(List<Request> requests) {
    Exchange done;
    try {
      done = producer.get().send(Endpoints.ENQUEUE_GROUP, e -> e.setProperty(REQUESTS, requests));
    } catch (RuntimeException e) {
      return failed(requests, e);
    }
    Exception failure = done.getException();
    if (failure == null || done.getProperty(COMMITTED, false, Boolean.class)) {
      if (failure != null) {
        // durable already: only the events are missing
        LOG.warn("Enqueue: announcing {} committed requests failed: {}", requests.size(), failure);
      }
      List<Outcome> outcomes = done.getProperty(OUTCOMES, List.class);
      int tasks = 0;
      for (Outcome outcome : outcomes) {
        tasks += outcome.replies().size();
      }
      commitSize.record(tasks);
      commitRequests.record(requests.size());
      return outcomes;
    }
    if (requests.size() == 1) {
      // the request's own error, as the transaction wrapped it or not
      InvalidTaskException invalid = ObjectHelper.getException(InvalidTaskException.class, failure);
      return failed(requests, invalid != null ? invalid : failure);
    }
    // rolled back: redo each request alone, so only the faulty one gets an error
    redone.increment();
    LOG.debug("Enqueue: a group of {} failed ({}); redoing each alone", requests.size(), failure);
    List<Outcome> outcomes = new ArrayList<>(requests.size());
    for (Request request : requests) {
      outcomes.add(writeGroup(List.of(request)).get(0));
    }
    return outcomes;
  }

  private static List<Outcome> failed(List<Request> requests, Exception failure) {
    List<Outcome> outcomes = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      outcomes.add(new Outcome(null, 0, failure));
    }
    return outcomes;
  }

  /** Enqueue commits so far (for tests and the health of the group commit). */
  public long commits() {
    return commitSize.count();
  }

  /** The largest number of tasks one commit stored so far. */
  public double largestCommit() {
    return commitSize.max();
  }

  /** Requests waiting for a writer. */
  public int backlog() {
    GroupCommit<Request, Outcome> group = commits;
    return group == null ? 0 : group.backlog();
  }

  /** Groups the writer threads are writing now. */
  public int writing() {
    return writing.get();
  }

  /** Groups that were rolled back and redone request by request. */
  public double redoneGroups() {
    return redone.count();
  }

  @Override
  public void start() {
    commits =
        new GroupCommit<>(
            "taskqueue-enqueue",
            Math.max(1, settings.getMaxGroup()),
            Math.max(1, settings.getWriters()),
            this::writeBatch);
    running = true;
  }

  /** Writes what is queued, then lets callers write alone until Camel stops. */
  @Override
  public void stop() {
    running = false;
    GroupCommit<Request, Outcome> group = commits;
    commits = null;
    if (group != null) {
      group.close();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Stops before Camel (and after the workers, {@link WorkerShutdown}), starts after it. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1;
  }
}
