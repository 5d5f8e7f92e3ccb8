package io.taskqueue.flow;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.taskqueue.component.TaskDispatcher;
import io.taskqueue.flow.RunningAttempts.Attempt;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.HandlerTimeoutException;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Batch handlers ({@code task:<type>?batch=true}): one aggregator route per resource group ({@code
 * batch-<group>}, from {@code direct:batch-<group>}) collects the group's acquired tasks by type
 * until {@code taskqueue.groups.<group>.batch.size} are there or {@code .timeout} passed since the
 * first, then runs the batch on one of the group's batch threads ({@code concurrency} of them).
 *
 * <p>The tasks table is the batch store: a task reaches the aggregator only after its acquire
 * ({@code running}, leased, its lease renewed by the heartbeat while it waits), so a node crash
 * leaves its collected tasks to the lease rescue, and the acquire's compare-and-set means no two
 * nodes ever hold the same task in two batches. The aggregator itself keeps only references in
 * memory.
 *
 * <p>Each task keeps its own outcome: results are completed one by one (in a group commit), an
 * element that is an exception fails only its task (its own retry, back-off and dead-letter), and
 * an exception of the whole batch fails each task on its own.
 */
@Component
public class BatchRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(BatchRoute.class);

  private final ResourceGroups groups;
  private final TaskDispatcher dispatcher;
  private final RunningAttempts attempts;
  private final Completions completions;
  private final WorkerRoute workers;
  private final MeterRegistry meters;

  public BatchRoute(
      ResourceGroups groups,
      TaskDispatcher dispatcher,
      RunningAttempts attempts,
      Completions completions,
      WorkerRoute workers,
      MeterRegistry meters) {
    this.groups = groups;
    this.dispatcher = dispatcher;
    this.attempts = attempts;
    this.completions = completions;
    this.workers = workers;
    this.meters = meters;
  }

  /** The endpoint a group's batch tasks are sent to. */
  static String collector(String group) {
    return "direct:batch-" + group;
  }

  @Override
  public void configure() {
    for (String group : groups.names()) {
      GroupSettings.Batch batch = groups.settings(group).getBatch();
      long timeout = Math.max(1, batch.getTimeout().toMillis());
      ExecutorService threads =
          getContext()
              .getExecutorServiceManager()
              .newFixedThreadPool(
                  this, "batch-" + group, groups.settings(group).effectiveConcurrency());
      from(collector(group))
          .routeId("batch-" + group)
          .aggregate(header(TaskConstants.TYPE), collectAttempts())
          .completionSize(Math.max(1, batch.getSize()))
          .completionTimeout(timeout)
          .completionTimeoutCheckerInterval(Math.max(10, Math.min(100, timeout / 4)))
          .forceCompletionOnStop()
          .executorService(threads)
          .process(e -> run(group, e))
          .end();
    }
  }

  /** Collects the attempts of a batch, in arrival order, in the body of the aggregated exchange. */
  private static AggregationStrategy collectAttempts() {
    return (collected, next) -> {
      Attempt attempt = RunningAttempts.of(next);
      if (collected == null) {
        List<Attempt> list = new ArrayList<>();
        list.add(attempt);
        next.getIn().setBody(list);
        return next;
      }
      @SuppressWarnings("unchecked")
      List<Attempt> list = collected.getIn().getBody(List.class);
      list.add(attempt);
      return collected;
    };
  }

  private void run(String group, Exchange exchange) {
    @SuppressWarnings("unchecked")
    List<Attempt> batch = new ArrayList<>(exchange.getIn().getBody(List.class));
    GroupWorkers room = workers.workers(group);
    try {
      // a shutdown released these meanwhile: their tasks are pending again, nothing to write
      batch.removeIf(
          a -> {
            if (a.released()) {
              attempts.end(a);
              return true;
            }
            return false;
          });
      if (!batch.isEmpty()) {
        runBatch(group, batch);
      }
    } finally {
      room.leaveBatch(exchange.getIn().getBody(List.class).size());
    }
  }

  private void runBatch(String group, List<Attempt> batch) {
    List<TaskItem> tasks = batch.stream().map(Attempt::task).toList();
    String type = tasks.get(0).type();
    DistributionSummary.builder("taskqueue.batch.size")
        .description("Tasks per batch handed to a batch handler")
        .tags("group", group, "type", type)
        .register(meters)
        .record(batch.size());
    if (!workers.permitBatch(group)) {
      // the group's circuit is open (or its half-open probes are taken): back to pending, the
      // attempts not spent, to run when it lets calls through
      batch.forEach(workers::postpone);
      return;
    }
    long started = System.nanoTime();
    Throwable callFailure = null;
    Timer.Sample sample = Timer.start(meters);
    List<Object> results;
    try {
      Future<List<Object>> run = dispatcher.startBatch(tasks);
      batch.forEach(a -> a.running(run));
      Duration timeout = attempts.handlerTimeout(batch.get(0), group);
      results = dispatcher.await(run, type, timeout);
    } catch (CancellationException cancelled) {
      // a shutdown released the batch's attempts while it ran: nothing of it is written
      workers.batchCalled(group, type, System.nanoTime() - started, null);
      batch.forEach(attempts::end);
      return;
    } catch (Exception e) {
      callFailure = e;
      List<Object> failed = new ArrayList<>(batch.size());
      batch.forEach(a -> failed.add(e));
      results = failed;
      if (!(e instanceof HandlerTimeoutException)) {
        LOG.debug(
            "The batch of {} {} tasks failed as a whole: {}", batch.size(), type, e.toString());
      }
    } finally {
      sample.stop(
          Timer.builder("taskqueue.batch.duration")
              .description("Time a batch handler took for one batch")
              .tags("group", group, "type", type)
              .register(meters));
    }
    if (callFailure == null) {
      // one call of the group's circuit: failed when an item failed the way a downstream fails
      callFailure =
          results.stream()
              .filter(r -> r instanceof Throwable t && workers.countsAgainstCircuit(group, t))
              .map(Throwable.class::cast)
              .findFirst()
              .orElse(null);
    }
    workers.batchCalled(group, type, System.nanoTime() - started, callFailure);
    int completed = 0;
    List<Attempt> failedAttempts = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      Attempt attempt = batch.get(i);
      Object result = results.get(i);
      if (result instanceof Throwable failure) {
        failedAttempts.add(attempt);
        failures.add(failure);
      } else {
        completed++;
        completions.submit(attempt, (String) result);
      }
    }
    if (!failedAttempts.isEmpty()) {
      // at once, so that their state changes share the failure writer's batches
      workers.failAll(failedAttempts, failures);
    }
    meters
        .counter("taskqueue.batch.items", "group", group, "type", type, "outcome", "completed")
        .increment(completed);
    meters
        .counter("taskqueue.batch.items", "group", group, "type", type, "outcome", "failed")
        .increment(batch.size() - completed);
  }
}
