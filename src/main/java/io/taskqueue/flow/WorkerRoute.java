package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.component.GroupQueueConsumer;
import io.taskqueue.component.GroupQueueConsumer.Delivery;
import io.taskqueue.component.GroupQueueConsumer.GiveBack;
import io.taskqueue.component.NoHandlerException;
import io.taskqueue.component.TaskDispatcher;
import io.taskqueue.flow.RunningAttempts.Attempt;
import io.taskqueue.flow.RunningAttempts.AttemptReleasedException;
import io.taskqueue.group.GroupCircuits;
import io.taskqueue.group.GroupControl;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.metrics.FlowMetrics;
import io.taskqueue.store.StateWrite;
import io.taskqueue.store.StateWrites;
import io.taskqueue.store.StoreDialect;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskItem;
import io.taskqueue.task.TaskStatus;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * One worker route per resource group ({@code worker-<group>}), consuming {@code
 * taskqueue.group.<group>} in batches ({@code groupqueue:}, one broker transaction per batch).
 *
 * <p>A batch is acquired with one statement: {@code pending -> running} (attempts + 1, fence + 1,
 * owner, lease) for every delivered task that is still pending, and each task won goes to the
 * group's handler threads ({@link GroupWorkers}); the broker transaction commits once the acquire
 * did. A delivery that loses the compare-and-set is a duplicate or a cancelled task: acknowledged
 * and skipped, the handler never runs.
 *
 * <p>A message this node cannot run now (it is shutting down, no route here handles its {@code
 * TaskType}, or its task row is not visible yet because its enqueue has not committed) goes back on
 * the queue, delayed, in the same broker transaction (see {@link GroupQueueConsumer}): no attempt
 * is spent, and the broker offers it again, to another node or to this one later.
 *
 * <p>On a handler thread each task registers its attempt in {@link RunningAttempts} (the heartbeat
 * renews its lease from the acquire on), runs the handler route {@code task:<type>} for at most its
 * handler timeout, and hands a success to {@link Completions}, which writes results in batches,
 * fenced by the attempt's token; a handler failure goes through the dead-letter channel to {@code
 * direct:task-failure}.
 */
@Component
public class WorkerRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerRoute.class);

  /**
   * A message whose task row is not visible yet (its enqueue transaction has not committed) goes
   * back to the queue and comes again within a second. From this offer on the worker also asks the
   * database whether that enqueue could still commit.
   */
  static final int CHECK_UNKNOWN_TASK_AFTER_DELIVERIES = 10;

  /**
   * A message's enqueue transaction started before the message was sent ({@code JMSTimestamp}, the
   * sending node's clock). A message whose task row is missing is dropped only when no transaction
   * that started before its send time plus this margin is still open: the margin covers clock skew
   * between the sending node and the database.
   */
  static final Duration UNKNOWN_TASK_CLOCK_MARGIN = Duration.ofMinutes(5);

  /** How long a message this node declines waits before the broker offers it again. */
  static final long DECLINE_DELAY_MILLIS = 1000;

  private static final String SUCCEEDED = "TaskqueueHandlerSucceeded";
  private static final String OPEN_TRANSACTIONS = "TaskOpenTransactions";
  private static final String CANDIDATES = "TaskqueueCandidates";
  private static final String UNACQUIRED = "TaskqueueUnacquired";
  private static final String UNKNOWN = "TaskqueueUnknown";
  private static final String SHORT_CIRCUITED =
      org.apache.camel.ExchangePropertyKey.CIRCUIT_BREAKER_RESPONSE_SHORT_CIRCUITED.getName();

  private final ResourceGroups groups;
  private final StoreDialect dialect;
  private final FlowSupport flow;
  private final RunningAttempts attempts;
  private final Completions completions;
  private final TaskDispatcher dispatcher;
  private final StateWrites writes;
  private final GroupControl control;
  private final GroupCircuits circuits;
  private final Throttles throttles;
  private final ErrorClassifier classifier;
  private final StoreDialect storeDialect;
  private final Map<String, GroupWorkers> workers = new ConcurrentHashMap<>();
  private final Set<String> typesWarnedAbout = ConcurrentHashMap.newKeySet();

  public WorkerRoute(
      ResourceGroups groups,
      StoreDialect dialect,
      FlowSupport flow,
      RunningAttempts attempts,
      Completions completions,
      TaskDispatcher dispatcher,
      StateWrites writes,
      GroupControl control,
      GroupCircuits circuits,
      Throttles throttles,
      ErrorClassifier classifier) {
    this.classifier = classifier;
    this.writes = writes;
    this.control = control;
    this.circuits = circuits;
    this.throttles = throttles;
    this.storeDialect = dialect;
    this.dispatcher = dispatcher;
    this.groups = groups;
    this.dialect = dialect;
    this.flow = flow;
    this.attempts = attempts;
    this.completions = completions;
  }

  @Override
  public void configure() {
    circuits.countFailuresWhen(this::countsAgainstCircuit);
    for (String group : groups.names()) {
      GroupSettings settings = groups.settings(group);
      GroupWorkers groupWorkers =
          new GroupWorkers(
              group,
              settings.effectiveConcurrency(),
              settings.effectivePrefetch(),
              Math.max(1, settings.getBatch().getSize()) * settings.effectiveConcurrency());
      workers.put(group, groupWorkers);
      // paused, or its circuit open: the receivers take nothing, the tasks stay pending
      groupWorkers.holdBackWhile(() -> control.holdsBack(group));
      runHandlerRoute(group, settings);
      admitRoute(group, settings.getThrottle());
      String slots = "taskqueueSlots-" + group;
      getContext().getRegistry().bind(slots, groupWorkers);
      from("groupqueue:"
              + ResourceGroups.queueOf(group)
              + "?maxBatch="
              + settings.effectiveReceiveBatch()
              + "&receivers="
              + settings.effectiveReceivers()
              + "&windowBytes="
              + settings.effectiveReceiveWindowBytes()
              + "&slots="
              + slots)
          .routeId("worker-" + group)
          // the database is unreachable: roll the batch back (nothing was written, no attempt
          // spent); the broker offers it again after its redelivery delay
          .onException(SQLException.class, DataAccessException.class)
          .handled(false)
          .logExhausted(false)
          .process(WorkerRoute::logDatabaseDown)
          .end()
          .setVariable("group", constant(group))
          .process(this::sortDeliveries)
          .filter(e -> !candidates(e).isEmpty())
          .process(flow::lease)
          .process(StateWrite.ACQUIRE.transition())
          .process(e -> e.getIn().setHeader(TaskConstants.IDS, ids(candidates(e))))
          .to(
              writes.uri(
                  StateWrite.ACQUIRE,
                  "outputType=SelectList&outputHeader=" + TaskConstants.ACQUIRED))
          .process(e -> handOff(e, group, groupWorkers))
          .filter(e -> !unacquired(e).isEmpty())
          .process(e -> e.getIn().setHeader(TaskConstants.IDS, ids(unacquired(e))))
          .to(
              sql(
                  "task_statuses",
                  "outputType=SelectList&outputHeader=" + TaskConstants.CURRENT_STATUS))
          .process(this::sortUnacquired)
          .split(exchangeProperty(UNKNOWN))
          .to(Endpoints.UNKNOWN_TASK)
          .end()
          .end()
          .end();
    }

    // A message whose task row is still missing after many offers: its enqueue may still be
    // committing (a slow commit, a frozen node) or may have been rolled back (a crash between the
    // broker commit and the database commit). It is dropped only when no transaction that could be
    // that enqueue is still open, and the row is still missing after that check.
    from(Endpoints.UNKNOWN_TASK)
        .routeId("unknown-task")
        .setVariable("delivery", body())
        .process(WorkerRoute::openTransactionCutoff)
        .setBody(constant(null))
        .to(
            dialect.dialectSql(
                "open_transactions", "outputType=SelectOne&outputHeader=" + OPEN_TRANSACTIONS))
        .to(sql("task_status", "outputType=SelectOne&outputHeader=" + TaskConstants.CURRENT_STATUS))
        .choice()
        .when(
            e ->
                currentStatus(e) != null
                    || e.getIn().getHeader(OPEN_TRANSACTIONS, 0L, Long.class) > 0)
        .process(e -> giveBack(e, e.getVariable("delivery", Delivery.class), 1000))
        .otherwise()
        .log(
            LoggingLevel.WARN,
            "Dropping the message of task ${header.TaskId}: no such task, and no transaction that"
                + " could still create it is open (its enqueue was rolled back)")
        .end();

    from(Endpoints.EXECUTE)
        .routeId("execute")
        .doTry()
        .toD(Endpoints.RUN_HANDLER + "-${header." + TaskConstants.GROUP + "}")
        .filter(exchangeProperty(SUCCEEDED).isEqualTo(true))
        .to(Endpoints.COMPLETE)
        .end()
        .endDoTry()
        .doFinally()
        // a success ends its attempt once its result is written (Completions)
        .filter(exchangeProperty(Completions.HANDED_OVER).isNull())
        .process(attempts::end)
        .end()
        .end();

    // an attempt the group's open circuit short-circuited: back to pending without spending the
    // attempt, to run when the circuit lets calls through again; its message follows the commit
    from(Endpoints.POSTPONE)
        .routeId("postpone")
        .process(flow::stamp)
        .process(this::postponeUntil)
        .process(StateWrite.POSTPONE.transition())
        .to(writes.uri(StateWrite.POSTPONE))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .log(
            LoggingLevel.DEBUG,
            "Task ${header.TaskId} went back to pending without spending an attempt:"
                + " ${header.TaskReason}")
        .to(Endpoints.PUBLISH)
        .to(writes.uri(StateWrite.MARK_PUBLISHED))
        .end();

    // the handler succeeded: its result is written in a batch with others (Completions), fenced,
    // so it can never overwrite a newer attempt; a failed write is retried while the lease holds
    from(Endpoints.COMPLETE).routeId("complete").process(completions::submit);

    // running -> completed for a batch of results: one JDBC batch, one commit
    from(Endpoints.COMPLETE_BATCH)
        .routeId("complete-batch")
        .transacted("dbTx")
        .to(writes.uri(StateWrite.COMPLETE, "batch=true"));

    from(Endpoints.COMPLETED_FENCES)
        .routeId("completed-fences")
        .to(sql("completed_fences", "outputType=SelectList"));

    // running -> pending without spending an attempt (TaskReason says why), fenced
    from(Endpoints.RELEASE)
        .routeId("release")
        .process(flow::stamp)
        .process(StateWrite.RELEASE.transition())
        .to(writes.uri(StateWrite.RELEASE))
        .filter(header(SqlConstants.SQL_UPDATE_COUNT).isEqualTo(1))
        .log(
            LoggingLevel.INFO,
            "Task ${header.TaskId} went back to pending without spending an attempt:"
                + " ${header.TaskReason}")
        .end();
  }

  /**
   * {@code direct:run-handler-<group>}: the handler call with its timeout, behind the group's
   * circuit breaker when it has one (the circuitBreaker EIP with the group's resilience4j breaker,
   * no fallback). A call the open or half-open circuit does not permit passes the EIP with {@code
   * CamelCircuitBreakerResponseShortCircuited} set and is postponed; a handler failure goes on to
   * the dead-letter channel {@code direct:task-failure} as without a breaker.
   */
  private void runHandlerRoute(String group, GroupSettings settings) {
    var route =
        from(Endpoints.runHandler(group))
            .routeId("run-handler-" + group)
            .errorHandler(deadLetterChannel(Endpoints.TASK_FAILURE).logExhausted(false))
            // not a failure of the task: no route here handles its type (the message had no
            // TaskType to decline it by). Back to pending without spending an attempt; the rescue
            // resends it.
            .onException(NoHandlerException.class)
            .handled(true)
            .logExhausted(false)
            .process(
                e ->
                    e.getIn()
                        .setHeader(
                            TaskConstants.REASON,
                            "no handler for "
                                + e.getIn().getHeader(TaskConstants.TYPE)
                                + " on "
                                + flow.nodeName()))
            .to(Endpoints.RELEASE)
            .end()
            // a graceful shutdown gave the task back to pending: nothing more to write
            .onException(AttemptReleasedException.class)
            .handled(true)
            .logExhausted(false)
            .log(
                LoggingLevel.INFO,
                "Task ${header.TaskId} attempt ${header.TaskAttempt} was released by the shutdown;"
                    + " its handler's outcome is discarded")
            .end();
    if (!settings.getCircuitBreaker().isEnabled()) {
      route.process(attempts::run).setProperty(SUCCEEDED, constant(true));
      return;
    }
    // the EIP in a route of its own without an error handler: a failure leaving the EIP is not
    // seen by an error handler of the route holding it, so it propagates to run-handler's
    // dead-letter channel from here
    from(Endpoints.runHandler(group) + "-guarded")
        .routeId("run-handler-" + group + "-guarded")
        .errorHandler(noErrorHandler())
        .process(e -> CALLING_TYPE.set(e.getIn().getHeader(TaskConstants.TYPE, String.class)))
        .circuitBreaker()
        .resilience4jConfiguration()
        .circuitBreaker(GroupCircuits.beanName(group))
        .end()
        .process(attempts::run)
        .end();
    route
        .to(Endpoints.runHandler(group) + "-guarded")
        .choice()
        .when(exchangeProperty(SHORT_CIRCUITED).isEqualTo(true))
        .to(Endpoints.POSTPONE)
        .otherwise()
        .setProperty(SUCCEEDED, constant(true))
        .end();
  }

  /**
   * {@code direct:admit-<group>}: the group's throttle in front of every handler call (single and
   * batch): the throttle EIP on each node, or one permit of the cluster-wide count. A task over the
   * limit waits on its handler thread; nothing is dropped or charged.
   */
  private void admitRoute(String group, GroupSettings.Throttle throttle) {
    if (!throttle.isEnabled()) {
      return;
    }
    var route = from(Endpoints.admit(group)).routeId("admit-" + group);
    if (throttle.getScope() == GroupSettings.Throttle.Scope.CLUSTER && storeDialect.isPostgres()) {
      route.process(e -> throttles.acquire(group, throttle));
    } else {
      if (throttle.getScope() == GroupSettings.Throttle.Scope.CLUSTER) {
        LOG.info(
            "Group {}: throttle.scope cluster needs PostgreSQL; the embedded H2 store is one node,"
                + " so its limit is counted on this node",
            group);
      }
      route
          .throttle(constant(throttle.getMaxRequests()))
          .totalRequestsMode()
          .timePeriodMillis(Math.max(1, throttle.getPeriod().toMillis()))
          .end();
    }
  }

  /** Sets when a short-circuited attempt runs again, and why it waits. */
  private void postponeUntil(Exchange exchange) {
    String group = exchange.getIn().getHeader(TaskConstants.GROUP, String.class);
    java.time.Instant until = circuits.retryAt(group);
    exchange.getIn().setHeader(TaskConstants.RUN_AT, Timestamp.from(until));
    exchange
        .getIn()
        .setHeader(
            TaskConstants.REASON,
            "circuit of group "
                + group
                + " is "
                + circuits.view(group).state()
                + "; runs at "
                + until);
  }

  /**
   * Whether a handler failure counts against its group's circuit: its error class (the group's and
   * the type's mapping) is transient, database or system. The type is the one of the call the
   * breaker records, run on this thread.
   */
  boolean countsAgainstCircuit(String group, Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof NoHandlerException || t instanceof AttemptReleasedException) {
        return false;
      }
    }
    return classifier.classify(group, CALLING_TYPE.get(), error).countsAgainstCircuit();
  }

  /**
   * Whether the group's circuit lets a batch handler call through now (one call of the breaker for
   * the whole batch); always without a breaker. A permitted call must be reported by {@link
   * #batchCalled}.
   */
  boolean permitBatch(String group) {
    return circuits.breaker(group).map(b -> b.tryAcquirePermission()).orElse(true);
  }

  /**
   * Records a batch handler call with the group's breaker: a success, or {@code failure} (counted
   * when its error class says something about the downstream).
   */
  void batchCalled(String group, String type, long nanos, Throwable failure) {
    circuits
        .breaker(group)
        .ifPresent(
            b -> {
              CALLING_TYPE.set(type);
              if (failure == null) {
                b.onSuccess(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
              } else {
                b.onError(nanos, java.util.concurrent.TimeUnit.NANOSECONDS, failure);
              }
            });
  }

  /** An acquired attempt the open circuit short-circuited: back to pending, then ended. */
  void postpone(Attempt attempt) {
    try {
      producer().send(Endpoints.POSTPONE, exchangeFor(attempt));
    } finally {
      attempts.end(attempt);
    }
  }

  /** The task type of the handler call on this thread (read by the breaker's failure check). */
  private static final ThreadLocal<String> CALLING_TYPE = new ThreadLocal<>();

  /**
   * Splits a received batch: messages this node cannot run now go back on the queue (it is shutting
   * down, or no route here handles their type); the rest are the acquire's candidates.
   */
  private void sortDeliveries(Exchange exchange) {
    @SuppressWarnings("unchecked")
    List<Delivery> batch = exchange.getIn().getBody(List.class);
    List<Delivery> candidates = new ArrayList<>(batch.size());
    // created here, on the batch's exchange: the split of unknown tasks adds to this same list
    exchange.setProperty(GroupQueueConsumer.GIVE_BACK, new ArrayList<GiveBack>());
    for (Delivery delivery : batch) {
      if (attempts.declines(delivery.type())) {
        warnDeclined(delivery.type());
        giveBack(exchange, delivery, DECLINE_DELAY_MILLIS);
      } else {
        candidates.add(delivery);
      }
    }
    exchange.setProperty(CANDIDATES, candidates);
    exchange.getIn().setBody(null);
  }

  private void warnDeclined(String type) {
    if (!attempts.isDraining() && typesWarnedAbout.add(String.valueOf(type))) {
      LOG.warn(
          "No handler route for task type '{}' on this node: its tasks are left to nodes that"
              + " have one (add a route from task:{} to run them here)",
          type,
          type);
    }
  }

  /** Starts every task the acquire won on the group's handler threads. */
  private void handOff(Exchange exchange, String group, GroupWorkers groupWorkers) {
    Message in = exchange.getIn();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = in.getHeader(TaskConstants.ACQUIRED, List.class);
    in.removeHeader(TaskConstants.ACQUIRED);
    Map<String, Delivery> byId = new HashMap<>();
    for (Delivery delivery : candidates(exchange)) {
      byId.put(delivery.id(), delivery);
    }
    for (Map<String, Object> row : rows) {
      String id = String.valueOf(row.get("id"));
      byId.remove(id);
      TaskItem task =
          new TaskItem(
              id,
              (String) row.get("type"),
              group,
              ((Number) row.get("priority")).intValue(),
              FlowSupport.timestamp(row.get("run_at")),
              ((Number) row.get("attempts")).intValue(),
              ((Number) row.get("fence")).longValue(),
              ((Number) row.get("max_attempts")).intValue(),
              (String) row.get("payload"));
      Attempt attempt = attempts.begin(task);
      groupWorkers.run(task, t -> execute(attempt));
    }
    exchange.setProperty(GroupQueueConsumer.SLOTS_USED, rows.size());
    exchange.setProperty(UNACQUIRED, new ArrayList<>(byId.values()));
  }

  /**
   * The deliveries the acquire did not win: a pending task (its enqueue committed just now) or a
   * missing one (not committed yet) comes again; after many offers a missing one is checked against
   * the open transactions. A task in any other state was run or cancelled already: the delivery is
   * a duplicate and is acknowledged.
   */
  private void sortUnacquired(Exchange exchange) {
    Message in = exchange.getIn();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = in.getHeader(TaskConstants.CURRENT_STATUS, List.class);
    in.removeHeader(TaskConstants.CURRENT_STATUS);
    Map<String, String> status = new HashMap<>();
    for (Map<String, Object> row : rows) {
      status.put(String.valueOf(row.get("id")), (String) row.get("status"));
    }
    List<Delivery> unknown = new ArrayList<>();
    for (Delivery delivery : unacquired(exchange)) {
      String current = status.get(delivery.id());
      if (TaskStatus.PENDING.dbValue().equals(current)
          || (current == null && delivery.deliveries() < CHECK_UNKNOWN_TASK_AFTER_DELIVERIES)) {
        giveBack(exchange, delivery, notVisibleDelay(delivery.deliveries()));
      } else if (current == null) {
        unknown.add(delivery);
      } else {
        LOG.debug("Skipping a delivery of task {}: it is {}", delivery.id(), current);
        metrics(exchange).skippedDelivery();
      }
    }
    exchange.setProperty(UNKNOWN, unknown);
  }

  /** 25 ms, doubling per offer, at most a second: the broker's own redelivery back-off. */
  static long notVisibleDelay(int offers) {
    return Math.min(1000, 25L << Math.min(6, Math.max(0, offers - 1)));
  }

  @SuppressWarnings("unchecked")
  private static void giveBack(Exchange exchange, Delivery delivery, long delayMillis) {
    exchange
        .getProperty(GroupQueueConsumer.GIVE_BACK, List.class)
        .add(new GiveBack(delivery, delayMillis));
  }

  /**
   * Runs one acquired task on the handler thread that calls it, or hands it to the group's batch
   * aggregator when its handler is a batch handler.
   */
  private void execute(Attempt attempt) {
    TaskItem task = attempt.task();
    Exchange exchange = exchangeFor(attempt);
    if (attempts.isDraining() || attempt.released()) {
      // acquired, but the node stops before a thread was free: back to pending, no attempt spent
      exchange.getIn().setHeader(TaskConstants.REASON, "shutdown");
      producer().send(Endpoints.RELEASE, exchange);
      attempts.end(attempt);
      return;
    }
    if (groups.settings(task.group()).getThrottle().isEnabled()) {
      producer().send(Endpoints.admit(task.group()), exchange);
      if (exchange.getException() != null) {
        // the wait was cut short (the node stops): back to pending, no attempt spent
        exchange.setException(null);
        exchange.getIn().setHeader(TaskConstants.REASON, "throttle wait interrupted");
        producer().send(Endpoints.RELEASE, exchange);
        attempts.end(attempt);
        return;
      }
    }
    if (dispatcher.isBatch(task.type())) {
      collect(attempt, exchange);
      return;
    }
    producer().send(Endpoints.EXECUTE, exchange);
    if (exchange.getException() != null) {
      LOG.error("Task {} could not be run", task.id(), exchange.getException());
      attempts.end(attempt);
    }
  }

  /** Hands a task to its group's batch aggregator, waiting while the group's batches are full. */
  private void collect(Attempt attempt, Exchange exchange) {
    GroupWorkers room = workers.get(attempt.task().group());
    try {
      room.enterBatch();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      attempts.end(attempt); // the node stops: the lease runs out and the rescue hands it on
      return;
    }
    producer().send(BatchRoute.collector(attempt.task().group()), exchange);
    if (exchange.getException() != null) {
      room.leaveBatch(1);
      fail(attempt, exchange.getException());
    }
  }

  /** Fails one attempt through the failure route (retry or dead letter), then ends it. */
  void fail(Attempt attempt, Throwable failure) {
    Exchange exchange = exchangeFor(attempt);
    exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
    try {
      producer().send(Endpoints.TASK_FAILURE, exchange);
      failed(attempt, exchange);
    } finally {
      attempts.end(attempt);
    }
  }

  /**
   * Fails several attempts at once (a batch handler's failed items), each through the failure
   * route, concurrently so that {@link Failures} writes them in shared batches; ends each.
   */
  void failAll(List<Attempt> failedAttempts, List<Throwable> failures) {
    List<java.util.concurrent.CompletableFuture<Exchange>> sent = new ArrayList<>();
    for (int i = 0; i < failedAttempts.size(); i++) {
      Exchange exchange = exchangeFor(failedAttempts.get(i));
      exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failures.get(i));
      sent.add(producer().asyncSend(Endpoints.TASK_FAILURE, exchange));
    }
    for (int i = 0; i < failedAttempts.size(); i++) {
      Attempt attempt = failedAttempts.get(i);
      try {
        failed(attempt, sent.get(i).join());
      } catch (RuntimeException e) {
        LOG.warn("Could not record the failure of task {}: {}", attempt.id(), e.toString());
      } finally {
        attempts.end(attempt);
      }
    }
  }

  private static void failed(Attempt attempt, Exchange exchange) {
    if (exchange.getException() != null) {
      LOG.warn(
          "Could not record the failure of task {}: {}; its lease runs out and the rescue hands"
              + " it on",
          attempt.id(),
          FailureText.describe(exchange.getException()));
    }
  }

  /** A worker exchange for an attempt: its task, and the failure route's statement parameters. */
  private Exchange exchangeFor(Attempt attempt) {
    TaskItem task = attempt.task();
    Exchange exchange = new DefaultExchange(getContext());
    exchange.setVariable(TaskItem.VARIABLE, task);
    RunningAttempts.attach(exchange, attempt);
    Message in = exchange.getIn();
    in.setHeader(TaskConstants.ID, task.id());
    in.setHeader(TaskConstants.TYPE, task.type());
    in.setHeader(TaskConstants.GROUP, task.group());
    in.setHeader(TaskConstants.PRIORITY, task.priority());
    in.setHeader(TaskConstants.ATTEMPT, task.attempt());
    in.setHeader(TaskConstants.MAX_ATTEMPTS, task.maxAttempts());
    in.setHeader(TaskConstants.FENCE, task.fence());
    return exchange;
  }

  private org.apache.camel.ProducerTemplate producer() {
    org.apache.camel.ProducerTemplate p = producer;
    if (p == null) {
      synchronized (this) {
        if (producer == null) {
          producer = getContext().createProducerTemplate();
        }
        p = producer;
      }
    }
    return p;
  }

  private volatile org.apache.camel.ProducerTemplate producer;

  private static FlowMetrics metrics(Exchange exchange) {
    return exchange.getContext().getRegistry().findSingleByType(FlowMetrics.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Delivery> candidates(Exchange exchange) {
    return exchange.getProperty(CANDIDATES, List.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Delivery> unacquired(Exchange exchange) {
    return exchange.getProperty(UNACQUIRED, List.class);
  }

  private static List<UUID> ids(List<Delivery> deliveries) {
    List<UUID> ids = new ArrayList<>(deliveries.size());
    for (Delivery delivery : deliveries) {
      ids.add(UUID.fromString(delivery.id()));
    }
    return ids;
  }

  /** The group's handler threads on this node. */
  public GroupWorkers workers(String group) {
    return workers.get(group);
  }

  @jakarta.annotation.PreDestroy
  void closeWorkers() {
    workers.values().forEach(GroupWorkers::close);
  }

  private static void openTransactionCutoff(Exchange exchange) {
    Delivery delivery = exchange.getVariable("delivery", Delivery.class);
    long sent = delivery.sentAt();
    long sentAt = sent <= 0 ? System.currentTimeMillis() : sent;
    exchange.getIn().setHeader(TaskConstants.ID, delivery.id());
    exchange
        .getIn()
        .setHeader(
            TaskConstants.CUTOFF, new Timestamp(sentAt + UNKNOWN_TASK_CLOCK_MARGIN.toMillis()));
  }

  private static void logDatabaseDown(Exchange exchange) {
    Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    LOG.warn(
        "Database unavailable; a batch of deliveries goes back to the broker: {}",
        FailureText.describe(error));
  }

  private static String currentStatus(Exchange exchange) {
    return exchange.getIn().getHeader(TaskConstants.CURRENT_STATUS, String.class);
  }

  /** Rolls a delivery back so the broker redelivers it later. */
  public static class RedeliverException extends RuntimeException {
    public RedeliverException(String message) {
      super(message);
    }
  }
}
