package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Time decisions use the database's clock: a node whose own clock is 70 s ahead (or behind) rescues
 * no live lease, and what it writes is database time.
 */
class DatabaseClockTest extends TaskQueueTestSupport {

  @Autowired FlowSupport flow;

  @AfterEach
  void realClock() {
    flow.useLocalClock(FlowSupport.monotonicClock());
  }

  @Test
  void aNodeWhoseClockIs70SecondsAheadRescuesNoLiveLease() {
    String live = insertRunning(Duration.ofSeconds(30));
    String expired = insertRunning(Duration.ofSeconds(-1));

    flow.useLocalClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(70)));
    assertThat(Duration.between(databaseNow(), flow.now()).abs()).isLessThan(Duration.ofSeconds(1));
    producer.sendBody("direct:rescue", null);

    assertThat(status(live)).isEqualTo("running");
    assertThat(transitions(live)).containsExactly("null->running");
    // the rescue itself works: the lease that did expire is rescued and runs again
    awaitStatus(expired, "completed");
    assertThat(transitions(expired))
        .containsExactly(
            "null->running", "running->pending", "pending->running", "running->completed");
  }

  @Test
  void aNodeWhoseClockIsBehindWritesDatabaseTime() {
    flow.useLocalClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-70)));
    String id = enqueue("{\"type\":\"test.count\",\"payload\":{}}");
    awaitStatus(id, "completed");

    Instant updated = ((Timestamp) row(id).get("updated_at")).toInstant();
    assertThat(Duration.between(updated, databaseNow()).abs()).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aNodeWhoseClockIsAheadRunsADelayedTaskNoEarlierThanItsRunAt() {
    flow.useLocalClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(70)));
    Instant runAt =
        databaseNow().plusMillis(1500).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String id = enqueue("{\"type\":\"test.count\",\"payload\":{},\"runAt\":\"" + runAt + "\"}");

    awaitStatus(id, "completed");

    Instant started =
        jdbc.queryForObject(
                "SELECT changed_at FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND to_status = 'running'",
                java.time.OffsetDateTime.class,
                id)
            .toInstant();
    assertThat(started).isAfterOrEqualTo(runAt.minusMillis(50));
  }

  private Instant databaseNow() {
    return jdbc.queryForObject("SELECT CURRENT_TIMESTAMP", Timestamp.class).toInstant();
  }

  /** A running task (attempt 1 of 3) whose lease ends this far from the database's now. */
  private String insertRunning(Duration leaseLeft) {
    String id = io.taskqueue.task.TaskIds.next().toString();
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, owner, lease_until, created_at, updated_at) VALUES (CAST(? AS UUID),"
            + " 'test.count', 'test', '{}', 'running', 4, 1, 3, 'elsewhere',"
            + " CURRENT_TIMESTAMP + CAST(? AS INTERVAL), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        id,
        leaseLeft.toMillis() + " milliseconds");
    return id;
  }
}
