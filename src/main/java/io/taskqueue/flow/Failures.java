package io.taskqueue.flow;

import io.taskqueue.store.StateWrite;
import io.taskqueue.task.TaskConstants;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.sql.SqlConstants;
import org.apache.camel.support.DefaultExchange;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Writes the failed attempts' state changes in batches (a {@link GroupCommit}): the {@code running
 * -> failed -> pending} (retry) or {@code running -> failed -> dead_letter} of every attempt that
 * failed while the previous batch was written goes into one transaction, with one JDBC batch per
 * statement ({@code fail}, then {@code requeue} and {@code dead_letter}). The caller (the failure
 * route, on the handler's thread) waits for its own outcome, exactly as it waited for its own
 * transaction before; the retry's message and the dead letter's notice follow the commit, per task.
 *
 * <p>Every {@code fail} is fenced. When a batch's update counts say that some attempt was fenced
 * out (its lease was rescued meanwhile, so the task belongs to another attempt), the whole
 * transaction rolls back and each failure of the batch is written alone ({@code direct:retry-write}
 * / {@code direct:dead-letter-write}), which tells exactly which took effect. That is rare; the
 * common batch needs no read.
 */
@Component
public class Failures {

  /** Exchange property: the retry's state change committed, its message is still to be sent. */
  public static final String REQUEUED = "TaskRequeued";

  /** Exchange property: the dead letter committed, its event and notice are still to be sent. */
  public static final String DEAD_LETTERED = "TaskDeadLettered";

  /** Exchange properties of {@code direct:fail-batch}: the parameter rows of each statement. */
  static final String FAIL_ROWS = "TaskqueueFailRows";

  static final String REQUEUE_ROWS = "TaskqueueRequeueRows";
  static final String DEAD_LETTER_ROWS = "TaskqueueDeadLetterRows";

  private static final int MAX_BATCH = 500;

  /** A decided failure: the failure route's headers (parameters of its statements). */
  record Failure(Map<String, Object> headers, boolean retry) {}

  /** What a failure's write did. */
  enum Outcome {
    REQUEUED,
    DEAD_LETTERED,
    FENCED_OUT
  }

  /** Thrown inside {@code direct:fail-batch} to roll it back when an update count is short. */
  static final class FencedOut extends RuntimeException {
    FencedOut(String statement, int expected, int updated) {
      super(statement + ": " + updated + " of " + expected + " rows", null, false, false);
    }
  }

  private final CamelContext camel;
  private final GroupCommit<Failure, Outcome> writer;
  private final LazyProducer producer;

  public Failures(@Lazy CamelContext camel) {
    this.camel = camel;
    this.producer = new LazyProducer(() -> camel);
    this.writer = new GroupCommit<>("fail", MAX_BATCH, 1, this::write);
  }

  /**
   * Writes the failure the exchange describes (its headers as {@code FailureRoute.decide} left
   * them) together with the others that queued up, and waits for it. Sets {@link #REQUEUED} or
   * {@link #DEAD_LETTERED} when it took effect; neither when the attempt was fenced out.
   *
   * @throws Exception when the batch could not be written (database unreachable): nothing of this
   *     failure was written, the attempt's lease runs out and the rescue hands the task on
   */
  public void write(Exchange exchange) throws Exception {
    Map<String, Object> headers = new HashMap<>(exchange.getIn().getHeaders());
    boolean retry = Boolean.TRUE.equals(exchange.getIn().getHeader(TaskConstants.RETRY));
    switch (writer.write(new Failure(headers, retry))) {
      case REQUEUED -> exchange.setProperty(REQUEUED, true);
      case DEAD_LETTERED -> exchange.setProperty(DEAD_LETTERED, true);
      case FENCED_OUT -> {
        // the task belongs to another attempt now: nothing to send
      }
    }
  }

  /** Checks inside {@code direct:fail-batch} that a statement updated one row per parameter row. */
  static void expectAll(Exchange exchange, String rowsProperty) {
    int expected = exchange.getProperty(rowsProperty, List.class).size();
    int updated = exchange.getIn().getHeader(SqlConstants.SQL_UPDATE_COUNT, 0, Integer.class);
    if (updated != expected) {
      throw new FencedOut(rowsProperty, expected, updated);
    }
  }

  /** The writer: one batch in one transaction, or each alone after a fenced-out attempt. */
  List<Outcome> write(List<Failure> batch) {
    List<Map<String, Object>> fails = new ArrayList<>(batch.size());
    List<Map<String, Object>> requeues = new ArrayList<>();
    List<Map<String, Object>> deadLetters = new ArrayList<>();
    for (Failure f : batch) {
      fails.add(row(f.headers(), StateWrite.FAIL));
      if (f.retry()) {
        requeues.add(row(f.headers(), StateWrite.REQUEUE));
      } else {
        deadLetters.add(row(f.headers(), StateWrite.DEAD_LETTER));
      }
    }
    Exchange exchange = new DefaultExchange(camel);
    exchange.setProperty(FAIL_ROWS, fails);
    exchange.setProperty(REQUEUE_ROWS, requeues);
    exchange.setProperty(DEAD_LETTER_ROWS, deadLetters);
    producer.get().send(Endpoints.FAIL_BATCH, exchange);
    List<Outcome> outcomes = new ArrayList<>(batch.size());
    if (exchange.getException() == null) {
      batch.forEach(f -> outcomes.add(f.retry() ? Outcome.REQUEUED : Outcome.DEAD_LETTERED));
      return outcomes;
    }
    if (exchange.getException(FencedOut.class) == null) {
      LazyProducer.rethrow(exchange);
    }
    // some attempt was fenced out and nothing was written: each alone says which took effect
    for (Failure f : batch) {
      outcomes.add(alone(f));
    }
    return outcomes;
  }

  private Outcome alone(Failure failure) {
    Exchange exchange = new DefaultExchange(camel);
    exchange.getIn().setHeaders(new HashMap<>(failure.headers()));
    producer.send(failure.retry() ? Endpoints.RETRY_WRITE : Endpoints.DEAD_LETTER_WRITE, exchange);
    if (exchange.getProperty(REQUEUED) != null) {
      return Outcome.REQUEUED;
    }
    return exchange.getProperty(DEAD_LETTERED) != null ? Outcome.DEAD_LETTERED : Outcome.FENCED_OUT;
  }

  /** The parameters {@code write} binds, from the failure's headers and the write's transition. */
  private Map<String, Object> row(Map<String, Object> headers, StateWrite write) {
    Exchange scratch = new DefaultExchange(camel);
    scratch.getIn().setHeaders(new HashMap<>(headers));
    write.transition().process(scratch);
    Map<String, Object> row = new HashMap<>();
    for (String parameter : write.parameters()) {
      row.put(parameter, scratch.getIn().getHeader(parameter));
    }
    return row;
  }

  @PreDestroy
  void close() {
    writer.close();
  }
}
