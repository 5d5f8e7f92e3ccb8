package io.taskqueue.flow;

import io.taskqueue.component.TaskDispatcher;
import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskItem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The attempts running on this node, by task id and fencing token: what the heartbeat renews, what
 * a graceful shutdown waits for, and the handler timeout of each run.
 *
 * <p>An attempt is registered right after its acquire and removed once its outcome is written (or
 * given up), so its lease is renewed for as long as the node works on it, completion retries
 * included.
 */
@Component
public class RunningAttempts {

  /** Exchange property holding the {@link Attempt} of a worker exchange. */
  static final String ATTEMPT = "TaskqueueAttempt";

  private final Map<String, Attempt> running = new ConcurrentHashMap<>();
  private final TaskDispatcher dispatcher;
  private final TaskQueueProperties properties;
  private final ResourceGroups groups;
  private volatile boolean draining;

  public RunningAttempts(
      TaskDispatcher dispatcher, TaskQueueProperties properties, ResourceGroups groups) {
    this.dispatcher = dispatcher;
    this.properties = properties;
    this.groups = groups;
  }

  /** One attempt of a task on this node. */
  public static final class Attempt {
    private final TaskItem task;
    private final String id;
    private final String type;
    private final long fence;
    private final long leaseNanos;
    private volatile long leaseDeadline;
    private volatile Future<?> run;
    private volatile boolean released;

    Attempt(TaskItem task, Duration lease) {
      this.task = task;
      this.id = task.id();
      this.type = task.type();
      this.fence = task.fence();
      this.leaseNanos = lease.toNanos();
      this.leaseDeadline = System.nanoTime() + leaseNanos;
    }

    public String id() {
      return id;
    }

    /** The task as acquired by this attempt. */
    public TaskItem task() {
      return task;
    }

    public String type() {
      return type;
    }

    public long fence() {
      return fence;
    }

    /** The lease was renewed in the database just now. */
    void renewed() {
      leaseDeadline = System.nanoTime() + leaseNanos;
    }

    /** Whether the lease this node last wrote has not run out yet (by this node's own clock). */
    boolean leaseHeld() {
      return !released && System.nanoTime() - leaseDeadline < 0;
    }

    /** The task went back to pending; the handler is interrupted and its outcome never written. */
    void release() {
      released = true;
      Future<?> r = run;
      if (r != null) {
        r.cancel(true);
      }
    }

    boolean released() {
      return released;
    }

    /** The handler run of this attempt (a batch's run is shared by its attempts). */
    void running(Future<?> handlerRun) {
      this.run = handlerRun;
      if (released) {
        handlerRun.cancel(true); // released while the handler was being started
      }
    }

    String key() {
      return key(id, fence);
    }

    static String key(String id, long fence) {
      return id + "#" + fence;
    }
  }

  /** Registers the attempt an acquire just won; the heartbeat renews its lease from now on. */
  public Attempt begin(TaskItem task) {
    Attempt attempt = new Attempt(task, properties.getLease());
    running.put(attempt.key(), attempt);
    return attempt;
  }

  /** The attempt of a worker exchange (exchange property {@link #ATTEMPT}). */
  public static Attempt of(Exchange exchange) {
    return exchange.getProperty(ATTEMPT, Attempt.class);
  }

  /** Makes {@code attempt} the attempt of a worker exchange. */
  public static void attach(Exchange exchange, Attempt attempt) {
    exchange.setProperty(ATTEMPT, attempt);
  }

  /** The attempt's outcome is written, or given up: stop renewing its lease. */
  public void end(Exchange exchange) {
    end(exchange.getProperty(ATTEMPT, Attempt.class));
  }

  /** The attempt's outcome is written, or given up: stop renewing its lease. */
  public void end(Attempt attempt) {
    if (attempt != null) {
      running.remove(attempt.key(), attempt);
    }
  }

  /**
   * Runs the attempt's handler on a handler thread and waits for it at most its handler timeout;
   * sets {@code TaskResult}.
   *
   * @throws AttemptReleasedException when a shutdown released the attempt meanwhile
   */
  public void run(Exchange exchange) throws Exception {
    Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
    Message in = exchange.getIn();
    String group = attempt.task.group();
    Future<String> run = dispatcher.start(attempt.task);
    attempt.run = run;
    if (attempt.released) {
      run.cancel(true); // released while the handler was being started
    }
    try {
      in.setHeader(
          TaskConstants.RESULT,
          dispatcher.await(run, attempt.type, handlerTimeout(attempt, group)));
    } catch (CancellationException cancelled) {
      if (attempt.released) {
        throw new AttemptReleasedException(attempt.id);
      }
      throw cancelled;
    }
  }

  /** The handler timeout of a type in a group: the type's setting, else the group's. */
  Duration handlerTimeout(Attempt attempt, String group) {
    TaskQueueProperties.TypeSettings type = properties.getTypes().get(attempt.type);
    if (type != null && type.getHandlerTimeout() != null) {
      return positiveOrNone(type.getHandlerTimeout());
    }
    return positiveOrNone(groups.settings(group).getHandlerTimeout());
  }

  private static Duration positiveOrNone(Duration timeout) {
    return timeout == null || timeout.isZero() || timeout.isNegative() ? null : timeout;
  }

  /** Whether the exchange's attempt may still write its outcome (retrying a failed write). */
  public boolean leaseHeld(Exchange exchange) {
    Attempt attempt = exchange.getProperty(ATTEMPT, Attempt.class);
    return attempt != null && attempt.leaseHeld();
  }

  /** The attempts running now. */
  public List<Attempt> snapshot() {
    return List.copyOf(running.values());
  }

  /** The attempt's lease was renewed in the database (the heartbeat found its row). */
  public void renewed(String id, long fence) {
    Attempt attempt = running.get(Attempt.key(id, fence));
    if (attempt != null) {
      attempt.renewed();
    }
  }

  public int count() {
    return running.size();
  }

  /** From now on this node takes no new task: deliveries are rolled back to the broker. */
  public void startDraining() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  /**
   * Whether this node must hand a delivery back to the broker before acquiring it: it is shutting
   * down, or the message names a type no route here handles (another node may have the handler).
   */
  public boolean declines(String type) {
    return draining || (type != null && !dispatcher.handles(type));
  }

  /** Waits until no attempt runs or the time is up; true when none runs. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(50);
    }
    return running.isEmpty();
  }

  /** A shutdown gave the attempt's task back to pending; its handler's outcome is not written. */
  public static class AttemptReleasedException extends RuntimeException {
    public AttemptReleasedException(String id) {
      super("The attempt on task " + id + " was released (shutdown)");
    }
  }
}
