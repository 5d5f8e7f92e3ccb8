package io.taskqueue.flow;

import io.taskqueue.flow.RunningAttempts.Attempt;
import io.taskqueue.metrics.FlowMetrics;
import io.taskqueue.store.StateWrite;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskItem;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Writes the results of succeeded handlers, many per transaction ({@link GroupCommit}: whatever
 * finished while the previous batch was being written goes into the next one), through the route
 * {@code direct:complete-batch} ({@code running -> completed}, one fenced UPDATE per task in one
 * JDBC batch, one commit).
 *
 * <p>The handler thread does not wait for the write: its attempt stays registered (its lease
 * renewed by the heartbeat) until the result is durable, and only then ends. A batch that fails
 * (the database is unreachable) is written again after a back-off, for every attempt whose lease
 * this node still holds; the handler never runs again for it. A completion whose fence no longer
 * matches (the lease was rescued, the task belongs to a newer attempt) changes nothing and is
 * counted as a stale attempt.
 */
@Component
public class Completions {

  private static final Logger LOG = LoggerFactory.getLogger(Completions.class);

  /** Exchange property: the attempt's outcome was handed to the completion writer. */
  static final String HANDED_OVER = "TaskqueueCompletionHandedOver";

  private static final int MAX_BATCH = 1000;

  /**
   * A result to write; {@code failure} is set only for a failure that completes the task (a
   * business failure of a type whose policy is {@code complete}).
   */
  private record Completion(Attempt attempt, String result, Failed failure, int tries) {}

  /** The error a completing failure leaves on the task and its history row. */
  private record Failed(String error, String errorClass, String reason) {}

  private final CamelContext camel;
  private final FlowSupport flow;
  private final RunningAttempts attempts;
  private final FlowMetrics metrics;
  private final GroupCommit<Completion, Boolean> writer;
  private final ScheduledExecutorService retries;
  private final LazyProducer producer;

  public Completions(
      @Lazy CamelContext camel, FlowSupport flow, RunningAttempts attempts, FlowMetrics metrics) {
    this.camel = camel;
    this.producer = new LazyProducer(() -> camel);
    this.flow = flow;
    this.attempts = attempts;
    this.metrics = metrics;
    this.writer = new GroupCommit<>("complete", MAX_BATCH, 1, this::write);
    this.retries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "complete-retry");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Hands a succeeded attempt's result ({@code TaskResult}) to the writer; the attempt ends once it
   * is written.
   */
  public void submit(Exchange exchange) {
    Attempt attempt = RunningAttempts.of(exchange);
    String result = exchange.getIn().getHeader(TaskConstants.RESULT, String.class);
    exchange.setProperty(HANDED_OVER, true);
    submit(new Completion(attempt, result, null, 0));
  }

  /**
   * Hands a failed attempt that completes its task to the writer ({@code running -> completed},
   * fenced, like a success): its result ({@code TaskResult}, the error result), its error ({@code
   * TaskError}, {@code TaskErrorClass}) and the history's reason ({@code TaskReason}) as the
   * failure route left them. The attempt ends once it is written.
   */
  public void submitFailure(Exchange exchange) {
    Attempt attempt = RunningAttempts.of(exchange);
    Message in = exchange.getIn();
    exchange.setProperty(HANDED_OVER, true);
    submit(
        new Completion(
            attempt,
            in.getHeader(TaskConstants.RESULT, String.class),
            new Failed(
                in.getHeader(TaskConstants.ERROR, String.class),
                in.getHeader(TaskConstants.ERROR_CLASS, String.class),
                in.getHeader(TaskConstants.REASON, String.class)),
            0));
  }

  /**
   * Hands a succeeded attempt's result (JSON text) to the writer; the attempt ends once written.
   */
  public void submit(Attempt attempt, String result) {
    submit(new Completion(attempt, result, null, 0));
  }

  private void submit(Completion completion) {
    writer
        .submit(completion)
        .whenComplete(
            (written, error) -> {
              if (error == null) {
                done(completion.attempt(), written);
              } else {
                failed(completion, error);
              }
            });
  }

  private List<Boolean> write(List<Completion> batch) {
    Exchange exchange = newExchange();
    flow.stamp(exchange);
    StateWrite.COMPLETE.transition().process(exchange);
    List<Map<String, Object>> rows = new ArrayList<>(batch.size());
    for (Completion c : batch) {
      Map<String, Object> row = new HashMap<>(8);
      row.put(TaskConstants.ID, c.attempt().id());
      row.put(TaskConstants.FENCE, c.attempt().fence());
      row.put(TaskConstants.RESULT, c.result());
      // null for a success: the task keeps its last error, and the history row has no reason
      Failed failed = c.failure();
      row.put(TaskConstants.ERROR, failed == null ? null : failed.error());
      row.put(TaskConstants.ERROR_CLASS, failed == null ? null : failed.errorClass());
      row.put(TaskConstants.REASON, failed == null ? null : failed.reason());
      rows.add(row);
    }
    exchange.getIn().setBody(rows);
    producer.send(Endpoints.COMPLETE_BATCH, exchange);
    int updated = exchange.getIn().getHeader(SqlConstants.SQL_UPDATE_COUNT, 0, Integer.class);
    List<Boolean> written = new ArrayList<>(batch.size());
    if (updated == batch.size()) {
      batch.forEach(c -> written.add(true));
      return written;
    }
    // some attempts were fenced out: find out which ones took effect
    Exchange check = newExchange();
    check
        .getIn()
        .setHeader(
            TaskConstants.IDS, batch.stream().map(c -> UUID.fromString(c.attempt().id())).toList());
    producer.send(Endpoints.COMPLETED_FENCES, check);
    Map<String, Long> fences = new HashMap<>();
    for (Object row : check.getIn().getBody(List.class)) {
      Map<?, ?> r = (Map<?, ?>) row;
      fences.put(String.valueOf(r.get("id")), ((Number) r.get("fence")).longValue());
    }
    for (Completion c : batch) {
      written.add(Long.valueOf(c.attempt().fence()).equals(fences.get(c.attempt().id())));
    }
    return written;
  }

  private void done(Attempt attempt, boolean written) {
    try {
      TaskItem task = attempt.task();
      if (written) {
        Map<String, Object> event = new HashMap<>();
        event.put(TaskConstants.EVENT, "task.completed");
        event.put(TaskConstants.ID, task.id());
        event.put(TaskConstants.TYPE, task.type());
        event.put(TaskConstants.GROUP, task.group());
        producer.get().sendBodyAndHeaders(Endpoints.TASK_EVENT, null, event);
      } else {
        LOG.warn(
            "Discarded the result of task {} attempt {}: its lease was rescued and the task"
                + " belongs to another attempt now",
            task.id(),
            task.attempt());
        metrics.staleAttempt();
      }
    } catch (RuntimeException e) {
      LOG.debug("Could not announce the completion of {}: {}", attempt.id(), e.toString());
    } finally {
      attempts.end(attempt);
    }
  }

  private void failed(Completion completion, Throwable error) {
    Attempt attempt = completion.attempt();
    if (!attempt.leaseHeld()) {
      LOG.warn(
          "Could not write the result of task {} ({}), and its lease ran out: the rescue hands it"
              + " on",
          attempt.id(),
          FailureText.describe(error));
      attempts.end(attempt);
      return;
    }
    long delay = Math.min(5000, 200L << Math.min(completion.tries(), 5));
    LOG.warn(
        "Could not write the result of task {} ({}); trying again in {} ms",
        attempt.id(),
        FailureText.describe(error),
        delay);
    retries.schedule(
        () ->
            submit(
                new Completion(
                    attempt, completion.result(), completion.failure(), completion.tries() + 1)),
        delay,
        TimeUnit.MILLISECONDS);
  }

  private Exchange newExchange() {
    return new DefaultExchange(camel);
  }

  /** Results waiting for the writer. */
  public int backlog() {
    return writer.backlog();
  }

  @PreDestroy
  void close() {
    writer.close();
    retries.shutdownNow();
  }
}
