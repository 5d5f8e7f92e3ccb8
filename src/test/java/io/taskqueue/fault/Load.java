package io.taskqueue.fault;

import io.taskqueue.support.HttpJson;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The client side of a scenario: {@code total} enqueue requests spread evenly over {@code over},
 * round robin over the cluster's nodes, each with an {@code Idempotency-Key} of its own. A request
 * that fails (no answer, 5xx) is retried on the next node with the same key after 1, 2, 4, 8, 8 s
 * (at most {@link #TRIES} tries, about 23 s), as a careful client would; one that still fails
 * counts as refused. {@link #accepted()} holds the ids of every request answered 202 (or 200 for a
 * retry the first try had created already).
 */
final class Load {

  static final int TRIES = 6;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(45);

  private final Cluster cluster;
  private final String scenario;
  private final int total;
  private final IntFunction<String> body;
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService clients = Executors.newFixedThreadPool(16);
  private final CountDownLatch finished;
  private final Map<Integer, String> accepted = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  /** {@code body} makes the JSON of request {@code n} (its payload should carry the scenario). */
  Load(Cluster cluster, String scenario, int total, IntFunction<String> body) {
    this.cluster = cluster;
    this.scenario = scenario;
    this.total = total;
    this.body = body;
    this.finished = new CountDownLatch(total);
  }

  /** Starts sending; returns at once. */
  Load start(Duration over) {
    long gapNanos = total <= 1 ? 0 : over.toNanos() / total;
    for (int n = 0; n < total; n++) {
      int request = n;
      pacer.schedule(() -> submit(request, 1), gapNanos * n, TimeUnit.NANOSECONDS);
    }
    return this;
  }

  private void submit(int n, int attempt) {
    try {
      clients.execute(() -> send(n, attempt));
    } catch (RejectedExecutionException stopped) {
      // the scenario is over (or failed): nothing more to send
    }
  }

  private void send(int n, int attempt) {
    List<Node> nodes = cluster.nodes;
    Node node = nodes.get((n + attempt - 1) % nodes.size());
    String outcome;
    try {
      if (!node.up()) {
        outcome = node.name + " down";
      } else {
        HttpResponse<String> response =
            node.app()
                .post(
                    "/api/tasks",
                    body.apply(n),
                    REQUEST_TIMEOUT,
                    "Idempotency-Key",
                    scenario + "-" + n);
        int status = response.statusCode();
        if (status == 202 || status == 200) {
          accepted.put(n, HttpJson.json(response.body()).get("id").asText());
          finished.countDown();
          return;
        }
        if (status < 500) {
          // the suite's own request is wrong: not a fault to ride out
          throw new AssertionError("Enqueue answered " + status + ": " + response.body());
        }
        outcome = "HTTP " + status;
      }
    } catch (IllegalStateException noAnswer) {
      outcome = "no answer";
    } catch (AssertionError wrong) {
      failures.computeIfAbsent(wrong.getMessage(), k -> new AtomicInteger()).incrementAndGet();
      refused.incrementAndGet();
      finished.countDown();
      return;
    }
    failures.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
    if (attempt < TRIES && !pacer.isShutdown()) {
      retries.incrementAndGet();
      try {
        // back off 1, 2, 4, 8, 8 s: a client rides out an outage of ~20 s
        long delay = Math.min(1L << (attempt - 1), 8L);
        pacer.schedule(() -> submit(n, attempt + 1), delay, TimeUnit.SECONDS);
      } catch (RejectedExecutionException stopped) {
        // the scenario is over
      }
    } else {
      refused.incrementAndGet();
      finished.countDown();
    }
  }

  /** Waits at most {@code timeout} until every request was accepted or given up. */
  Load awaitSent(Duration timeout) throws InterruptedException {
    if (!finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(
          scenario
              + ": "
              + finished.getCount()
              + " of "
              + total
              + " enqueue requests still unanswered after "
              + timeout);
    }
    return this;
  }

  void stop() {
    pacer.shutdownNow();
    clients.shutdownNow();
  }

  List<String> accepted() {
    return new ArrayList<>(accepted.values());
  }

  int acceptedCount() {
    return accepted.size();
  }

  int refused() {
    return refused.get();
  }

  int retries() {
    return retries.get();
  }

  /** Why tries failed, with counts (a retried try counts too). */
  Map<String, AtomicInteger> failures() {
    return failures;
  }
}
