package io.taskqueue.flow;

import io.taskqueue.config.NodeIdentity;
import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.task.TaskConstants;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Small steps every flow stage needs: who and when a write happens, and the lease deadline.
 *
 * <p><b>One clock.</b> {@link #now()} is the database's time, not this node's: every decision
 * shared between nodes (lease deadlines and their expiry, staleness, retention, retry due times)
 * compares timestamps written by different nodes, so they must all come from one clock. The offset
 * between the database clock ({@code SELECT CURRENT_TIMESTAMP}) and a local clock is sampled at
 * start-up and every {@code taskqueue.clock.sample-interval} (default 5 s) in the background, and
 * applied to the local clock, which by default advances with {@link System#nanoTime()} (monotonic:
 * a step of the node's wall clock between two samples changes nothing). The error is half a
 * database round trip plus the drift between two samples, milliseconds; a node whose wall clock is
 * minutes off still writes and reads database time. When the database cannot be reached the last
 * offset stays in use.
 */
@Component
public class FlowSupport {

  private static final Logger LOG = LoggerFactory.getLogger(FlowSupport.class);

  private final NodeIdentity node;
  private final TaskQueueProperties properties;
  private final DataSource dataSource;
  private final ScheduledExecutorService sampler;
  private volatile Clock localClock = monotonicClock();
  private volatile Duration offset = Duration.ZERO;
  private volatile boolean sampleFailing;

  public FlowSupport(NodeIdentity node, TaskQueueProperties properties, DataSource dataSource) {
    this.node = node;
    this.properties = properties;
    this.dataSource = dataSource;
    sampleDatabaseClock();
    long every = Math.max(100, properties.getClock().getSampleInterval().toMillis());
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "taskqueue-db-clock");
              thread.setDaemon(true);
              return thread;
            });
    sampler.scheduleWithFixedDelay(this::sampleDatabaseClock, every, every, TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stopSampling() {
    sampler.shutdownNow();
  }

  /** The database's current time, as this node best knows it. */
  public Instant now() {
    return localClock.instant().plus(offset);
  }

  /** How far the database clock is ahead of this node's local clock (negative: behind). */
  public Duration databaseClockOffset() {
    return offset;
  }

  /**
   * Replaces the local clock the database offset is applied to, and samples the offset again at
   * once. For tests: a skewed local clock must not change {@link #now()}.
   */
  public void useLocalClock(Clock clock) {
    this.localClock = clock;
    sampleDatabaseClock();
  }

  /** Reads the database clock and updates the offset; keeps the previous one when it fails. */
  public synchronized void sampleDatabaseClock() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      Instant before = localClock.instant();
      Instant database;
      try (ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
        rs.next();
        database = rs.getObject(1, OffsetDateTime.class).toInstant();
      }
      Instant after = localClock.instant();
      // the database read its clock somewhere in the round trip: assume the middle
      Instant local = before.plus(Duration.between(before, after).dividedBy(2));
      offset = Duration.between(local, database);
      if (sampleFailing) {
        LOG.info("Reading the database clock again; offset {}", offset);
      }
      sampleFailing = false;
    } catch (Exception e) {
      if (!sampleFailing) {
        LOG.warn(
            "Cannot read the database clock ({}); keeping the last offset {}",
            e.getMessage(),
            offset);
      }
      sampleFailing = true;
    }
  }

  /** Sets {@code TaskNode} and {@code TaskNow} for the next write. */
  public void stamp(Exchange exchange) {
    exchange.getIn().setHeader(TaskConstants.NODE, node.name());
    exchange.getIn().setHeader(TaskConstants.NOW, Timestamp.from(now()));
  }

  /** Sets {@code TaskLeaseUntil} a lease from now. */
  public void lease(Exchange exchange) {
    stamp(exchange);
    exchange
        .getIn()
        .setHeader(TaskConstants.LEASE_UNTIL, Timestamp.from(now().plus(properties.getLease())));
  }

  /**
   * Drops the body before the {@code sql:} steps; everything they need is in headers. camel-sql
   * converts the body to a {@code Map} for every {@code :#param} it binds, and for a body with no
   * such converter (the task id or the request's JSON text, both Strings) Camel scans its whole
   * converter registry each time: a third of the CPU of a no-op task in a profile.
   */
  public static void clearBody(Exchange exchange) {
    exchange.getIn().setBody(null);
  }

  /**
   * A timestamp column value (a {@code Timestamp} on PostgreSQL, an {@code OffsetDateTime} on H2).
   */
  public static Timestamp timestamp(Object column) {
    if (column == null || column instanceof Timestamp) {
      return (Timestamp) column;
    }
    if (column instanceof java.time.OffsetDateTime odt) {
      return Timestamp.from(odt.toInstant());
    }
    if (column instanceof java.util.Date date) {
      return new Timestamp(date.getTime());
    }
    throw new IllegalArgumentException("Not a timestamp: " + column.getClass().getName());
  }

  public String nodeName() {
    return node.name();
  }

  /** A local clock that reads the wall clock once, then advances by {@link System#nanoTime()}. */
  public static Clock monotonicClock() {
    return new MonotonicClock();
  }

  /** The wall clock read once, then advanced by {@link System#nanoTime()}: never steps. */
  static final class MonotonicClock extends Clock {

    private final Instant base = Instant.now();
    private final long baseNanos = System.nanoTime();

    @Override
    public Instant instant() {
      return base.plusNanos(System.nanoTime() - baseNanos);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this; // instants only; the zone is never used
    }
  }
}
