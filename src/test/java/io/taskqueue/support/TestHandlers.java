package io.taskqueue.support;

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
 * </ul>
 */
@Component
public class TestHandlers extends RouteBuilder {

  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  private volatile CountDownLatch gate = new CountDownLatch(1);
  private final AtomicInteger blocked = new AtomicInteger();

  @Override
  public void configure() {
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
                if (!gate.await(60, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("test.block was never released");
                }
              }
              e.getIn().setBody("attempt-" + attempt);
            });
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
    gate.countDown();
    gate = new CountDownLatch(1);
    blocked.set(0);
    runs.clear();
  }
}
