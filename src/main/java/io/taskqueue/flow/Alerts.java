package io.taskqueue.flow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Operational alerts: events on the topic {@code taskqueue.events} named {@code alert.*}, with the
 * group and details, each also logged at WARN. An alert about the same thing (name, group) is
 * raised at most once per {@code taskqueue.alerts.quiet-period} (default 5 min): a failing
 * downstream raises one {@code alert.system-error}, not one per task.
 */
@Component
public class Alerts {

  public static final String CIRCUIT_OPENED = "alert.circuit-opened";
  public static final String CIRCUIT_CLOSED = "alert.circuit-closed";
  public static final String ERROR_RATE = "alert.error-rate";
  public static final String DEAD_LETTER_GROWTH = "alert.dead-letter-growth";
  public static final String SYSTEM_ERROR = "alert.system-error";

  private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

  private final TaskEvents events;
  private final AlertSettings settings;
  private final Map<String, Instant> lastRaised = new ConcurrentHashMap<>();

  private static final int COMPLETED = 0;
  private static final int FAILED = 1;
  private static final int DEAD_LETTERED = 2;

  /** Outcomes seen on this node per group since start: completed, failed, dead-lettered. */
  private final Map<String, AtomicLongArray> outcomes = new ConcurrentHashMap<>();

  /** Snapshots of {@link #outcomes} taken by {@link #check}, oldest first, per group. */
  private final Map<String, Deque<Snapshot>> snapshots = new ConcurrentHashMap<>();

  private record Snapshot(Instant at, long completed, long failed, long deadLettered) {}

  public Alerts(TaskEvents events, AlertSettings settings) {
    this.events = events;
    this.settings = settings;
    events.observe(this::observe);
  }

  /** Counts the lifecycle events that are outcomes (completed, dead-lettered). */
  private void observe(String event, Object group) {
    if ("task.completed".equals(event)) {
      count(group, COMPLETED);
    } else if ("task.dead_letter".equals(event)) {
      count(group, DEAD_LETTERED);
    }
  }

  /** A handler failure of a task of {@code group} (retried or not). */
  public void failed(String group) {
    count(group, FAILED);
  }

  /** A system (unclassified) failure: {@code alert.system-error}, once per quiet period. */
  public void systemError(String group, String type, String error) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("type", type);
    details.put("error", error);
    raise(SYSTEM_ERROR, group, details, false);
  }

  private void count(Object group, int outcome) {
    if (group != null) {
      outcomes
          .computeIfAbsent(group.toString(), g -> new AtomicLongArray(3))
          .incrementAndGet(outcome);
    }
  }

  /**
   * Compares every group's outcomes now with those one window ago (this node's): raises {@code
   * alert.error-rate} and {@code alert.dead-letter-growth} past their thresholds.
   */
  public void check() {
    Instant now = Instant.now();
    for (Map.Entry<String, AtomicLongArray> entry : outcomes.entrySet()) {
      String group = entry.getKey();
      AtomicLongArray counts = entry.getValue();
      Snapshot current =
          new Snapshot(now, counts.get(COMPLETED), counts.get(FAILED), counts.get(DEAD_LETTERED));
      Deque<Snapshot> history = snapshots.computeIfAbsent(group, g -> new ArrayDeque<>());
      Snapshot since;
      synchronized (history) {
        while (history.size() > 1
            && !history.peekFirst().at().isAfter(now.minus(settings.getWindow()))) {
          history.pollFirst();
        }
        since = history.isEmpty() ? new Snapshot(now, 0, 0, 0) : history.peekFirst();
        history.addLast(current);
      }
      long completed = current.completed() - since.completed();
      long failed = current.failed() - since.failed();
      long deadLettered = current.deadLettered() - since.deadLettered();
      long outcomesInWindow = completed + failed;
      if (outcomesInWindow >= Math.max(1, settings.getErrorRateMinimumOutcomes())
          && failed >= settings.getErrorRate() * outcomesInWindow) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("failed", failed);
        details.put("completed", completed);
        details.put("errorRate", Math.round(1000.0 * failed / outcomesInWindow) / 1000.0);
        details.put("window", settings.getWindow().toString());
        raise(ERROR_RATE, group, details, false);
      }
      if (deadLettered >= Math.max(1, settings.getDeadLetters())) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("deadLettered", deadLettered);
        details.put("window", settings.getWindow().toString());
        raise(DEAD_LETTER_GROWTH, group, details, false);
      }
    }
  }

  /**
   * Raises alert {@code name} about {@code group} unless the same alert was raised within the quiet
   * period. State changes (circuit opened / closed) pass {@code always}: each change is raised.
   *
   * @return whether it was raised
   */
  public boolean raise(String name, String group, Map<String, Object> details, boolean always) {
    String key = name + "|" + group;
    Instant now = Instant.now();
    Duration quiet = settings.getQuietPeriod();
    boolean[] raised = {false};
    lastRaised.compute(
        key,
        (k, last) -> {
          if (always || last == null || !now.isBefore(last.plus(quiet))) {
            raised[0] = true;
            return now;
          }
          return last;
        });
    if (!raised[0]) {
      return false;
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", name);
    event.put("group", group);
    event.put("at", now.toString());
    event.putAll(details);
    LOG.warn("{} for group {}: {}", name, group, details);
    events.offer(event);
    return true;
  }
}
