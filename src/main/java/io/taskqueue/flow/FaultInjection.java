package io.taskqueue.flow;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A testing switch, off by default: {@code taskqueue.fault-injection.halt-at=<point>} makes the JVM
 * die ({@code Runtime.halt(137)}, like {@code kill -9}) the moment a task reaches that point, so
 * the process tests can prove that a crash there loses and duplicates nothing. Points:
 *
 * <ul>
 *   <li>{@value #AFTER_BROKER_COMMIT}: the task messages are committed on the broker, the database
 *       transaction with the task rows is not (the workers must drop those messages);
 *   <li>{@value #AFTER_DB_COMMIT}: the database committed, the HTTP reply is not sent and a JMS
 *       inbox message is not acknowledged yet (the redelivered inbox message must return the same
 *       task, which runs within seconds).
 * </ul>
 *
 * Never set it in production.
 */
@Component
public class FaultInjection {

  public static final String AFTER_BROKER_COMMIT = "enqueue-after-broker-commit";
  public static final String AFTER_DB_COMMIT = "enqueue-after-db-commit";
  public static final String RETRY_AFTER_DB_COMMIT = "retry-after-db-commit";
  private static final List<String> POINTS =
      List.of(AFTER_BROKER_COMMIT, AFTER_DB_COMMIT, RETRY_AFTER_DB_COMMIT);

  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);

  private final String haltAt;

  public FaultInjection(@Value("${taskqueue.fault-injection.halt-at:}") String haltAt) {
    this.haltAt = haltAt == null ? "" : haltAt.trim();
    if (!this.haltAt.isEmpty()) {
      if (!POINTS.contains(this.haltAt)) {
        throw new IllegalArgumentException(
            "taskqueue.fault-injection.halt-at must be one of "
                + POINTS
                + ", not '"
                + this.haltAt
                + "'");
      }
      LOG.warn("FAULT INJECTION ON: this JVM halts at the first task reaching {}", this.haltAt);
    }
  }

  /** Halts the JVM when {@code point} is the configured one. */
  public void at(String point) {
    if (haltAt.equals(point)) {
      LOG.error("Fault injection: halting at {}", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
