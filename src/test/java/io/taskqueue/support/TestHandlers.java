package io.taskqueue.support;

import io.taskqueue.task.TransientTaskException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Handler routes the tests use besides the demo ones (group {@code test}).
 *
 * <ul>
 *   <li>{@code test.count}: counts its runs per task id, returns the count.
 *   <li>{@code test.block}: counts its runs too; blocks its first attempt until {@link #release()},
 *       then returns {@code "attempt-<n>"}; later attempts return at once.
 *   <li>{@code test.hold}: run {@code n} of any task waits until {@link #releaseHold(int)
 *       releaseHold(n)}, then returns {@code "run-<n>"}, or throws a transient failure when the
 *       payload's {@code failRun} is {@code n} (with the payload's {@code error} as message).
 *   <li>{@code test.batch}: a batch handler; records each batch's size, echoes each payload, and
 *       fails the item whose payload has {@code "fail": true} (that item only), or the whole batch
 *       when any payload has {@code "failBatch": true} or a {@code "failBatchUntil"} (epoch millis)
 *       still ahead.
 * </ul>
 */
@Component
public class TestHandlers extends RouteBuilder {

  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger blocked = new AtomicInteger();
  private final AtomicInteger interrupted = new AtomicInteger();
  private final Map<Integer, CountDownLatch> holdGates = new ConcurrentHashMap<>();
  private final AtomicInteger holding = new AtomicInteger();

  private final java.util.List<Integer> batchSizes =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  @Override
  public void configure() {
    from("task:test.batch?batch=true")
        .routeId("test-batch")
        .process(
            e -> {
              java.util.List<?> payloads = e.getIn().getBody(java.util.List.class);
              java.util.List<?> ids = e.getIn().getHeader("TaskIds", java.util.List.class);
              batchSizes.add(payloads.size());
              java.util.List<Object> results = new java.util.ArrayList<>();
              for (int i = 0; i < payloads.size(); i++) {
                Map<?, ?> payload = (Map<?, ?>) payloads.get(i);
                runs.computeIfAbsent(String.valueOf(ids.get(i)), k -> new AtomicInteger())
                    .incrementAndGet();
                if (Boolean.TRUE.equals(payload.get("failBatch"))
                    || (payload.get("failBatchUntil") instanceof Number until
                        && System.currentTimeMillis() < until.longValue())) {
                  throw new TransientTaskException("the whole batch fails");
                }
                results.add(
                    Boolean.TRUE.equals(payload.get("fail"))
                        ? new TransientTaskException("item " + payload.get("n") + " fails")
                        : payload);
              }
              e.getIn().setBody(results);
            });

    // an unclassified exception: a system failure (AlertsTest)
    from("task:test.fail-system")
        .throwException(new IllegalStateException("test.fail-system: something unexpected"));

    from("task:test.count")
        .routeId("test-count")
        .setBody(
            e ->
                runs.computeIfAbsent(
                        e.getIn().getHeader("TaskId", String.class), k -> new AtomicInteger())
                    .incrementAndGet());

    from("task:test.block")
        .routeId("test-block")
        .process(
            e -> {
              int attempt = e.getIn().getHeader("TaskAttempt", Integer.class);
              runs.computeIfAbsent(
                      e.getIn().getHeader("TaskId", String.class), k -> new AtomicInteger())
                  .incrementAndGet();
              if (attempt == 1) {
                blocked.incrementAndGet();
                try {
                  if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test.block was never released");
                  }
                } catch (InterruptedException stop) {
                  interrupted.incrementAndGet();
                  throw stop;
                }
              }
              e.getIn().setBody("attempt-" + attempt);
            });

    from("task:test.hold")
        .routeId("test-hold")
        .process(
            e -> {
              int run =
                  runs.computeIfAbsent(
                          e.getIn().getHeader("TaskId", String.class), k -> new AtomicInteger())
                      .incrementAndGet();
              holding.incrementAndGet();
              try {
                if (!holdGate(run).await(60, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("test.hold run " + run + " was never released");
                }
              } finally {
                holding.decrementAndGet();
              }
              Map<?, ?> payload = e.getIn().getBody(Map.class);
              Object failRun = payload.get("failRun");
              if (failRun != null && ((Number) failRun).intValue() == run) {
                Object error = payload.get("error");
                throw new TransientTaskException(
                    error != null ? error.toString() : "test.hold run " + run + " fails");
              }
              e.getIn().setBody("run-" + run);
            });
  }

  private CountDownLatch holdGate(int run) {
    return holdGates.computeIfAbsent(run, k -> new CountDownLatch(1));
  }

  /** The size of every batch test.batch got so far. */
  public java.util.List<Integer> batchSizes() {
    return java.util.List.copyOf(batchSizes);
  }

  /** Lets run {@code n} of test.hold finish. */
  public void releaseHold(int run) {
    holdGate(run).countDown();
  }

  /** test.hold runs waiting now. */
  public int holding() {
    return holding.get();
  }

  /** How many test.block runs were interrupted while blocked. */
  public int interrupted() {
    return interrupted.get();
  }

  public int runs(String taskId) {
    AtomicInteger n = runs.get(taskId);
    return n == null ? 0 : n.get();
  }

  /** How many first attempts of test.block are (or were) blocked. */
  public int blocked() {
    return blocked.get();
  }

  public void release() {
    gate.countDown();
  }

  public void reset() {
    holdGates.values().forEach(CountDownLatch::countDown);
    holdGates.clear();
    interrupted.set(0);
    gate.countDown();
    gate = new CountDownLatch(1);
    blocked.set(0);
    runs.clear();
  }
}
