package io.taskqueue.group;

import java.time.Duration;

/** Settings of one resource group: {@code taskqueue.groups.<name>.*}. */
public class GroupSettings {

  /** The group's circuit breaker (the circuitBreaker EIP in front of its handlers). */
  private CircuitBreaker circuitBreaker = new CircuitBreaker();

  /** The group's throttler (the throttle EIP in front of its handlers). */
  private Throttle throttle = new Throttle();

  public CircuitBreaker getCircuitBreaker() {
    return circuitBreaker;
  }

  public void setCircuitBreaker(CircuitBreaker circuitBreaker) {
    this.circuitBreaker = circuitBreaker;
  }

  public Throttle getThrottle() {
    return throttle;
  }

  public void setThrottle(Throttle throttle) {
    this.throttle = throttle;
  }

  /**
   * A resilience4j circuit breaker over the group's handler calls, counting only failures that say
   * something about the downstream (transient, database, system). Off unless {@code enabled}.
   */
  public static class CircuitBreaker {

    /** Whether the group's handler calls go through a circuit breaker. */
    private boolean enabled = false;

    /** Percentage of failed calls in the window that opens the circuit. */
    private float failureRateThreshold = 50;

    /** Calls the window must hold before a failure rate is computed. */
    private int minimumCalls = 10;

    /** Size of the count-based sliding window (the last N handler calls). */
    private int window = 20;

    /** How long the circuit stays open before it lets probes through (half-open). */
    private Duration openFor = Duration.ofSeconds(30);

    /** Probes let through while half-open; their outcome closes or reopens the circuit. */
    private int halfOpenCalls = 3;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public float getFailureRateThreshold() {
      return failureRateThreshold;
    }

    public void setFailureRateThreshold(float failureRateThreshold) {
      this.failureRateThreshold = failureRateThreshold;
    }

    public int getMinimumCalls() {
      return minimumCalls;
    }

    public void setMinimumCalls(int minimumCalls) {
      this.minimumCalls = minimumCalls;
    }

    public int getWindow() {
      return window;
    }

    public void setWindow(int window) {
      this.window = window;
    }

    public Duration getOpenFor() {
      return openFor;
    }

    public void setOpenFor(Duration openFor) {
      this.openFor = openFor;
    }

    public int getHalfOpenCalls() {
      return halfOpenCalls;
    }

    public void setHalfOpenCalls(int halfOpenCalls) {
      this.halfOpenCalls = halfOpenCalls;
    }
  }

  /**
   * At most {@code maxRequests} handler calls per {@code period}; tasks over the limit wait. Off
   * while {@code maxRequests} is 0.
   */
  public static class Throttle {

    /** Handler calls allowed per period; 0: no limit. */
    private int maxRequests = 0;

    /** The period the limit applies to. */
    private Duration period = Duration.ofSeconds(1);

    /**
     * {@code node} (default): each node allows {@code maxRequests} per period on its own. {@code
     * cluster}: all nodes together, counted in the database (PostgreSQL; one statement per task).
     */
    private Scope scope = Scope.NODE;

    public int getMaxRequests() {
      return maxRequests;
    }

    public void setMaxRequests(int maxRequests) {
      this.maxRequests = maxRequests;
    }

    public Duration getPeriod() {
      return period;
    }

    public void setPeriod(Duration period) {
      this.period = period;
    }

    public Scope getScope() {
      return scope;
    }

    public void setScope(Scope scope) {
      this.scope = scope;
    }

    public boolean isEnabled() {
      return maxRequests > 0;
    }

    /** Where the limit is counted. */
    public enum Scope {
      NODE,
      CLUSTER
    }
  }

  /** Concurrent consumers of the group's queue on each node. */
  private int concurrency = 4;

  /**
   * {@code relaxed} (default): priority first, FIFO within a priority, best effort. {@code strict}:
   * one consumer with consumer window 0, so ordering is exact.
   */
  private Ordering ordering = Ordering.RELAXED;

  /** Retry policy of the group's tasks. */
  private Retry retry = new Retry();

  /**
   * Which exceptions of this group's handlers are which error class: {@code errors.<class>} is a
   * list of fully qualified exception class names ({@code validation}, {@code transient}, {@code
   * database}, {@code business}, {@code system}); a listed class matches its subclasses too, and
   * every exception of the cause chain is looked at. Wins over the built-in classification; a
   * type's {@code taskqueue.types[<type>].errors} wins over it.
   */
  private java.util.Map<String, java.util.List<String>> errors = new java.util.LinkedHashMap<>();

  public java.util.Map<String, java.util.List<String>> getErrors() {
    return errors;
  }

  public void setErrors(java.util.Map<String, java.util.List<String>> errors) {
    this.errors = errors;
  }

  /**
   * How long a handler of this group may run (a type's {@code
   * taskqueue.types.<type>.handler-timeout} wins); past it the attempt fails as transient with
   * reason {@code timeout}.
   */
  private Duration handlerTimeout = Duration.ofMinutes(30);

  /**
   * Tasks this node acquires ahead of a free handler thread, so the broker and the database are
   * worked in bigger batches (strict ordering: none). A prefetched task is {@code running} (owned
   * by this node, its lease renewed by the heartbeat, no longer cancellable) and starts as soon as
   * a thread is free, highest priority first. Default 0: a task is acquired only when a thread is
   * free to run it.
   */
  private int prefetch = 0;

  /** The most messages one broker transaction (and one acquire statement) takes. */
  private int receiveBatch = 100;

  /**
   * Bytes of task messages each receiver's broker client buffers ahead (Artemis consumer window),
   * so a batch is taken from memory rather than one broker round trip per message. Buffered
   * messages wait for this node's receivers; other nodes cannot take them meanwhile. Default 0:
   * nothing buffered (strict ordering: always 0).
   */
  private int receiveWindowBytes = 0;

  public int getReceiveWindowBytes() {
    return receiveWindowBytes;
  }

  public void setReceiveWindowBytes(int receiveWindowBytes) {
    this.receiveWindowBytes = receiveWindowBytes;
  }

  /** Receive window actually used: strict ordering buffers nothing. */
  public int effectiveReceiveWindowBytes() {
    return ordering == Ordering.STRICT ? 0 : Math.max(0, receiveWindowBytes);
  }

  /** Threads receiving from the group's queue on each node (strict ordering: one). */
  private int receivers = 2;

  /** How batch handlers ({@code task:<type>?batch=true}) of this group get their tasks. */
  private Batch batch = new Batch();

  public Batch getBatch() {
    return batch;
  }

  public void setBatch(Batch batch) {
    this.batch = batch;
  }

  /**
   * The aggregator in front of a group's batch handlers: tasks of one type are collected until
   * {@code size} of them are there or {@code timeout} passed since the first one came, whichever is
   * first.
   */
  public static class Batch {

    /** The most tasks one batch holds. */
    private int size = 50;

    /** How long the first task of a batch waits for more. */
    private Duration timeout = Duration.ofSeconds(1);

    public int getSize() {
      return size;
    }

    public void setSize(int size) {
      this.size = size;
    }

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  public int getPrefetch() {
    return prefetch;
  }

  public void setPrefetch(int prefetch) {
    this.prefetch = prefetch;
  }

  public int getReceiveBatch() {
    return receiveBatch;
  }

  public void setReceiveBatch(int receiveBatch) {
    this.receiveBatch = receiveBatch;
  }

  public int getReceivers() {
    return receivers;
  }

  public void setReceivers(int receivers) {
    this.receivers = receivers;
  }

  /** Prefetch actually used: strict ordering takes one task at a time. */
  public int effectivePrefetch() {
    return ordering == Ordering.STRICT ? 0 : Math.max(0, prefetch);
  }

  /** Receive batch actually used: strict ordering takes one message at a time. */
  public int effectiveReceiveBatch() {
    return ordering == Ordering.STRICT ? 1 : Math.max(1, receiveBatch);
  }

  /** Receivers actually started: strict ordering means exactly one. */
  public int effectiveReceivers() {
    return ordering == Ordering.STRICT ? 1 : Math.max(1, receivers);
  }

  public int getConcurrency() {
    return concurrency;
  }

  public void setConcurrency(int concurrency) {
    this.concurrency = concurrency;
  }

  public Ordering getOrdering() {
    return ordering;
  }

  public void setOrdering(Ordering ordering) {
    this.ordering = ordering;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  public Duration getHandlerTimeout() {
    return handlerTimeout;
  }

  public void setHandlerTimeout(Duration handlerTimeout) {
    this.handlerTimeout = handlerTimeout;
  }

  /** Consumers actually started: strict ordering means exactly one. */
  public int effectiveConcurrency() {
    return ordering == Ordering.STRICT ? 1 : Math.max(1, concurrency);
  }

  /** Ordering guarantee of a group. */
  public enum Ordering {
    RELAXED,
    STRICT
  }

  /** Exponential backoff with jitter: {@code min(initialDelay * multiplier^(n-1), maxDelay)}. */
  public static class Retry {

    /** Attempts in all (the first run included) before a task is dead-lettered. */
    private int maxAttempts = 5;

    /** Delay before the second attempt. */
    private Duration initialDelay = Duration.ofSeconds(1);

    /** Each further delay is the previous one times this. */
    private double multiplier = 2.0;

    /** Upper bound of a delay. */
    private Duration maxDelay = Duration.ofMinutes(5);

    /** Random spread of each delay, as a fraction: 0.2 means plus or minus 20%. */
    private double jitter = 0.2;

    /**
     * Whether business failures ({@code BusinessTaskException}) are retried too; a type's {@code
     * taskqueue.types[<type>].business} policy wins.
     */
    private boolean retryBusiness = false;

    /**
     * Delay before the attempt after a database failure (an SQL error from the handler's own
     * database): it replaces {@code initial-delay} for those, grows by {@code multiplier} the same
     * way, is capped by the larger of {@code max-delay} and itself, and is never shorter than
     * itself, jitter included.
     */
    private Duration databaseDelay = Duration.ofSeconds(30);

    public Duration getDatabaseDelay() {
      return databaseDelay;
    }

    public void setDatabaseDelay(Duration databaseDelay) {
      this.databaseDelay = databaseDelay;
    }

    /**
     * The delay before attempt {@code failedAttempt + 1} after a database failure, jitter included:
     * {@code databaseDelay * multiplier^(n-1)}, capped by {@code max(maxDelay, databaseDelay)},
     * jittered, and at least {@code databaseDelay}.
     */
    public long databaseDelayMillisAfter(int failedAttempt, double random) {
      long floor = Math.max(0, databaseDelay.toMillis());
      double base = floor * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
      double capped = Math.min(base, Math.max(maxDelay.toMillis(), floor));
      double spread = 1 + jitter * (2 * random - 1);
      return Math.max(floor, Math.round(capped * spread));
    }

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialDelay() {
      return initialDelay;
    }

    public void setInitialDelay(Duration initialDelay) {
      this.initialDelay = initialDelay;
    }

    public double getMultiplier() {
      return multiplier;
    }

    public void setMultiplier(double multiplier) {
      this.multiplier = multiplier;
    }

    public Duration getMaxDelay() {
      return maxDelay;
    }

    public void setMaxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
    }

    public double getJitter() {
      return jitter;
    }

    public void setJitter(double jitter) {
      this.jitter = jitter;
    }

    public boolean isRetryBusiness() {
      return retryBusiness;
    }

    public void setRetryBusiness(boolean retryBusiness) {
      this.retryBusiness = retryBusiness;
    }

    /** The delay before attempt {@code failedAttempt + 1}, jitter included. */
    public long delayMillisAfter(int failedAttempt, double random) {
      double base = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, failedAttempt - 1));
      double capped = Math.min(base, maxDelay.toMillis());
      double spread = 1 + jitter * (2 * random - 1);
      return Math.max(0, Math.round(capped * spread));
    }
  }
}
