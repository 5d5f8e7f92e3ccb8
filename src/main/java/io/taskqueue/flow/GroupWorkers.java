package io.taskqueue.flow;

import io.taskqueue.component.ReceiveSlots;
import io.taskqueue.task.TaskItem;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The handler threads of one resource group on this node, and the room the group's receivers have.
 *
 * <p>{@code concurrency} threads run acquired tasks, highest priority first, then in acquire order.
 * A task holds one of {@code concurrency + prefetch} slots from its acquire until its handler
 * returned: the receivers take no more messages than there are free slots, so this node never
 * acquires more tasks than it can start soon ({@code prefetch} waiting at most), and a task waiting
 * here keeps its lease alive through the heartbeat like a running one.
 */
public final class GroupWorkers implements ReceiveSlots, AutoCloseable {

  private final Semaphore slots;
  private final Semaphore batchRoom;
  private final ThreadPoolExecutor threads;
  private final AtomicLong sequence = new AtomicLong();

  private final class Job implements Runnable, Comparable<Job> {
    private final TaskItem task;
    private final long order = sequence.incrementAndGet();
    private final Consumer<TaskItem> run;

    Job(TaskItem task, Consumer<TaskItem> run) {
      this.task = task;
      this.run = run;
    }

    @Override
    public void run() {
      try {
        run.accept(task);
      } finally {
        slots.release();
      }
    }

    @Override
    public int compareTo(Job other) {
      int byPriority = Integer.compare(other.task.priority(), task.priority());
      return byPriority != 0 ? byPriority : Long.compare(order, other.order);
    }
  }

  /**
   * @param batchRoom how many tasks may wait in the group's batch aggregator or run in batches
   */
  public GroupWorkers(String group, int concurrency, int prefetch, int batchRoom) {
    this.slots = new Semaphore(concurrency + Math.max(0, prefetch));
    this.batchRoom = new Semaphore(Math.max(1, batchRoom));
    AtomicInteger n = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            concurrency,
            concurrency,
            60,
            TimeUnit.SECONDS,
            new PriorityBlockingQueue<>(),
            r -> {
              Thread thread = new Thread(r, "worker-" + group + "-" + n.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  private volatile java.util.function.BooleanSupplier holdBack = () -> false;

  /**
   * While {@code holdBack} says so (the group is paused, or its circuit is open) the receivers take
   * no message: {@link #take} waits, then answers 0.
   */
  public void holdBackWhile(java.util.function.BooleanSupplier holdBack) {
    this.holdBack = holdBack;
  }

  @Override
  public boolean heldBack() {
    return holdBack.getAsBoolean();
  }

  @Override
  public int take(int max, long waitMillis) throws InterruptedException {
    if (holdBack.getAsBoolean()) {
      if (waitMillis > 0) {
        Thread.sleep(Math.min(waitMillis, 200));
      }
      return 0;
    }
    if (!slots.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
      return 0;
    }
    int taken = 1;
    while (taken < max && slots.tryAcquire()) {
      taken++;
    }
    return taken;
  }

  @Override
  public void giveBack(int count) {
    slots.release(count);
  }

  /** Runs an acquired task (whose slot the receiver took) on a handler thread. */
  public void run(TaskItem task, Consumer<TaskItem> handler) {
    threads.execute(new Job(task, handler));
  }

  /**
   * Waits for room in the group's batches for one more task. A handler thread waits here before it
   * hands a task to the batch aggregator, so while the batches are full the receivers stop taking
   * messages (the thread's slot stays taken).
   */
  public void enterBatch() throws InterruptedException {
    batchRoom.acquire();
  }

  /** A batched task's outcome was handed on: its room is free again. */
  public void leaveBatch(int tasks) {
    batchRoom.release(tasks);
  }

  /** Tasks acquired and waiting for a handler thread. */
  public int waiting() {
    return threads.getQueue().size();
  }

  /** Tasks whose handler runs now. */
  public int active() {
    return threads.getActiveCount();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
