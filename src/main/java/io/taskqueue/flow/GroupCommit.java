package io.taskqueue.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: many callers submit one item each, and a writer thread writes everything that
 * queued up while it was busy in one go (one transaction, one JDBC batch, one broker commit). A
 * caller waits for its own item's outcome, so it learns "durable" exactly when its batch is.
 *
 * <p>There is no timer and no minimum size: an item that arrives at an idle writer is written
 * alone, at once; under load the batches grow by themselves to what queued up during the previous
 * write (up to {@code maxBatch}). So it adds no latency when quiet and amortises the commit when
 * busy.
 *
 * <p>The writer gets the items in arrival order and returns one outcome per item, in the same
 * order; an exception from the writer fails every item of that batch (the writer decides itself
 * whether to retry items one by one first).
 *
 * @param <T> what callers submit
 * @param <R> the outcome each caller gets back
 */
public final class GroupCommit<T, R> implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private record Pending<T, R>(T item, CompletableFuture<R> outcome) {}

  private final String name;
  private final int maxBatch;
  private final Function<List<T>, List<R>> writer;
  private final BlockingQueue<Pending<T, R>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean closed;

  /**
   * @param name names the writer threads ({@code <name>-writer-<n>})
   * @param maxBatch the most items one write takes
   * @param writers how many batches may be written at the same time
   * @param writer writes a batch, all or nothing, and returns one outcome per item in order
   */
  public GroupCommit(
      String name, int maxBatch, int writers, Function<List<T>, List<R>> writer) {
    if (maxBatch < 1 || writers < 1) {
      throw new IllegalArgumentException("maxBatch and writers must be at least 1");
    }
    this.name = name;
    this.maxBatch = maxBatch;
    this.writer = writer;
    for (int i = 1; i <= writers; i++) {
      Thread thread = new Thread(this::run, name + "-writer-" + i);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  /** Queues an item; the future completes when its batch was written (or failed). */
  public CompletableFuture<R> submit(T item) {
    CompletableFuture<R> outcome = new CompletableFuture<>();
    if (closed) {
      outcome.completeExceptionally(new IllegalStateException(name + " is closed"));
      return outcome;
    }
    queue.add(new Pending<>(item, outcome));
    return outcome;
  }

  /** Queues an item and waits until its batch is written; rethrows the writer's exception. */
  public R write(T item) throws Exception {
    try {
      return submit(item).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw e;
    }
  }

  /** Items waiting for a writer (not counting the batches being written). */
  public int backlog() {
    return queue.size();
  }

  private void run() {
    List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
    while (!closed || !queue.isEmpty()) {
      try {
        Pending<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        write(batch);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } finally {
        batch.clear();
      }
    }
    Pending<T, R> left;
    while ((left = queue.poll()) != null) {
      left.outcome().completeExceptionally(new IllegalStateException(name + " is closed"));
    }
  }

  private void write(List<Pending<T, R>> batch) {
    List<T> items = new ArrayList<>(batch.size());
    for (Pending<T, R> p : batch) {
      items.add(p.item());
    }
    try {
      List<R> outcomes = writer.apply(items);
      if (outcomes.size() != batch.size()) {
        throw new IllegalStateException(
            name + ": the writer returned " + outcomes.size() + " outcomes for " + batch.size());
      }
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).outcome().complete(outcomes.get(i));
      }
    } catch (RuntimeException | Error e) {
      LOG.debug("{}: a batch of {} failed: {}", name, batch.size(), e.toString());
      for (Pending<T, R> p : batch) {
        p.outcome().completeExceptionally(e);
      }
    }
  }

  /** Writes what is queued, then stops the writers; later submissions fail. */
  @Override
  public void close() {
    closed = true;
    for (Thread thread : threads) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
