package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Handlers that run longer than the lease (2 s here): the heartbeat keeps the lease, so the task
 * runs once; and the handler timeout (per type, else per group) fails an attempt that runs too long
 * as transient, with reason {@code timeout}. Its own application context and schema, for the short
 * lease.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "taskqueue.lease=2s",
      "taskqueue.groups.demo.handler-timeout=3s",
      "taskqueue.types[demo.sleep].handler-timeout=30s",
      "taskqueue.types[test.block].handler-timeout=1s",
      "spring.datasource.hikari.schema=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_long",
      "spring.flyway.schemas=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_long",
      "spring.flyway.default-schema=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_long",
      "taskqueue.inbox-dir=target/test-inbox/${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_long"
    })
@DirtiesContext
class LongHandlerTest extends TaskQueueTestSupport {

  @Test
  void aHandlerRunningThreeLeasesLongRunsOnce() {
    String id = enqueue("{\"type\":\"demo.sleep\",\"payload\":{\"ms\":6000},\"maxAttempts\":2}");

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> "completed".equals(status(id)));

    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->completed");
    // the group's 3 s handler-timeout did not apply: the type's 30 s wins
    assertThat(task(id).get("result").get("ms").asInt()).isEqualTo(6000);
  }

  @Test
  void aHandlerPastItsTimeoutIsInterruptedAndItsAttemptFailsAsTransient() {
    String id = enqueue("{\"type\":\"test.block\",\"payload\":{},\"maxAttempts\":2}");

    // attempt 1 blocks until it is interrupted at 1 s; attempt 2 returns at once
    awaitStatus(id, "completed");
    assertThat(handlers.interrupted()).isEqualTo(1);
    assertThat(task(id).get("attempts").asInt()).isEqualTo(2);
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-2");
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND to_status = 'failed'",
                String.class,
                id))
        .startsWith("timeout of attempt 1 after PT1S");
    // the late result of the interrupted attempt is never written
    handlers.release();
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-2");
  }

  @Test
  void theGroupsHandlerTimeoutAppliesToTypesWithoutTheirOwn() throws Exception {
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("task:demo.nap").routeId("demo-nap").delay(simple("${body[ms]}"));
          }
        });
    String id = enqueue("{\"type\":\"demo.nap\",\"payload\":{\"ms\":20000},\"maxAttempts\":1}");

    awaitStatus(id, "dead_letter");
    assertThat(task(id).get("error").asText()).contains("handler-timeout of PT3S");
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND to_status = 'failed'",
                String.class,
                id))
        .isEqualTo("timeout of attempt 1 after PT3S, out of attempts (1)");
  }
}
