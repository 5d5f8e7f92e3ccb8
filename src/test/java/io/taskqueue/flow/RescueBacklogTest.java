package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bounded work: with 100,000 stale pending tasks (or expired leases) one rescue tick touches at
 * most rescue.batch-size rows and ends well inside the default interval (5 s). The tasks are in a
 * group without consumers ({@code bulk}), so the resent messages just stay queued.
 */
class RescueBacklogTest extends TaskQueueTestSupport {

  private static final Logger LOG = LoggerFactory.getLogger(RescueBacklogTest.class);
  private static final int BACKLOG = 100_000;

  @Autowired TaskQueueProperties properties;

  @BeforeEach
  void stopTimer() throws Exception {
    camel.getRouteController().stopRoute("rescue-timer");
  }

  @AfterEach
  void startTimer() throws Exception {
    jdbc.execute("TRUNCATE tasks, task_history");
    camel.getRouteController().startRoute("rescue-timer");
  }

  @Test
  void aTickOver100kStalePendingTasksTouchesOneBatch() {
    insertBacklog("pending", "NULL", "2 hours");
    int batch = properties.getRescue().getBatchSize();
    long sentBefore = messagesAdded("taskqueue.group.bulk");

    Duration tick = tick();
    LOG.info("rescue tick over {} stale pending tasks: {} ms", BACKLOG, tick.toMillis());

    assertThat(tick).isLessThan(Duration.ofSeconds(5));
    assertThat(messagesAdded("taskqueue.group.bulk") - sentBefore).isEqualTo(batch);
    assertThat(
            count(
                "SELECT COUNT(*) FROM tasks WHERE updated_at > CURRENT_TIMESTAMP - INTERVAL '1 hour'"))
        .isEqualTo(batch);
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE NOT published")).isZero();
  }

  @Test
  void aTickOver100kExpiredLeasesTouchesOneBatch() {
    insertBacklog("running", "CURRENT_TIMESTAMP - INTERVAL '1 minute'", "2 minutes");
    int batch = properties.getRescue().getBatchSize();

    Duration tick = tick();
    LOG.info("rescue tick over {} expired leases: {} ms", BACKLOG, tick.toMillis());

    assertThat(tick).isLessThan(Duration.ofSeconds(5));
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'pending'")).isEqualTo(batch);
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'running'"))
        .isEqualTo(BACKLOG - batch);
  }

  private Duration tick() {
    long start = System.nanoTime();
    producer.sendBody("direct:rescue", null);
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private void insertBacklog(String status, String leaseUntil, String age) {
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, owner, lease_until, published, created_at, updated_at)"
            + " SELECT gen_random_uuid(), 'bulk.noop', 'bulk', '{}', ?, 4, 1, 3, 'elsewhere', "
            + leaseUntil
            + ", TRUE, CURRENT_TIMESTAMP - CAST(? AS INTERVAL), CURRENT_TIMESTAMP - CAST(? AS"
            + " INTERVAL) FROM generate_series(1, ?)",
        status,
        age,
        age,
        BACKLOG);
    jdbc.execute("ANALYZE tasks");
  }
}
