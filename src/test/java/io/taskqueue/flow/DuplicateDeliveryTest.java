package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The acquire compare-and-set: a task message delivered twice runs its handler once. */
class DuplicateDeliveryTest extends TaskQueueTestSupport {

  @Test
  void theSameMessageDeliveredTwiceRunsTheHandlerOnce() {
    // the original message is held by the broker for 1.5 s; a copy goes on the queue right away
    String runAt = Instant.now().plusMillis(1500).toString();
    String id = enqueue("{\"type\":\"test.count\",\"payload\":{},\"runAt\":\"" + runAt + "\"}");
    double skippedBefore = metrics.skippedDeliveries();

    jms.convertAndSend("taskqueue.group.test", id);

    awaitStatus(id, "completed");
    // the original arrives later and is acknowledged without running
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.skippedDeliveries() >= skippedBefore + 1);
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(transitions(id)).filteredOn(t -> t.endsWith("->completed")).hasSize(1);
  }

  @Test
  void aDuplicateNeverRunsWhileAnotherAttemptHoldsTheLease() {
    String id = enqueue("{\"type\":\"test.block\",\"payload\":{}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.blocked() == 1);
    assertThat(status(id)).isEqualTo("running");
    double skippedBefore = metrics.skippedDeliveries();

    jms.convertAndSend("taskqueue.group.test", id);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.skippedDeliveries() >= skippedBefore + 1);
    assertThat(handlers.runs(id)).isEqualTo(1);

    handlers.release();
    awaitStatus(id, "completed");
    // and a duplicate of a finished task is skipped too
    jms.convertAndSend("taskqueue.group.test", id);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.skippedDeliveries() >= skippedBefore + 2);
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(task(id).get("result").asText()).isEqualTo("attempt-1");
  }
}
