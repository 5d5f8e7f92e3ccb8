package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Batch handlers ({@code task:<type>?batch=true}) behind the group's aggregator: batches are
 * bounded by {@code batch.size}, and each task keeps its own outcome, attempts and history.
 */
class BatchHandlerTest extends TaskQueueTestSupport {

  @Autowired MeterRegistry meters;

  @Test
  void aThousandDemoBatchTasksRunInBatchesOfAtMostFiftyAndAllComplete() {
    List<String> ids = new ArrayList<>();
    for (int request = 0; request < 10; request++) {
      StringBuilder batch = new StringBuilder("[");
      for (int i = 0; i < 100; i++) {
        batch.append(i == 0 ? "" : ",");
        batch.append("{\"type\":\"demo.batch\",\"payload\":{\"n\":").append(request * 100 + i);
        batch.append("}}");
      }
      var response = post("/api/tasks/batch", batch.append("]").toString());
      assertThat(response.statusCode()).isEqualTo(202);
      json(response.body()).forEach(t -> ids.add(t.get("id").asText()));
    }
    assertThat(ids).hasSize(1000);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(
                        "SELECT COUNT(*) FROM tasks WHERE type = 'demo.batch' AND status = 'completed'")
                    >= 1000);
    assertThat(
            count("SELECT COUNT(*) FROM tasks WHERE type = 'demo.batch' AND status <> 'completed'"))
        .isZero();
    // each task has its own result: its payload, echoed
    String some = ids.get(457);
    assertThat(task(some).get("result").get("n").asInt()).isEqualTo(457);
    assertThat(task(some).get("attempts").asInt()).isEqualTo(1);

    DistributionSummary sizes =
        meters.find("taskqueue.batch.size").tags("group", "demo", "type", "demo.batch").summary();
    assertThat(sizes).isNotNull();
    assertThat(sizes.max()).isLessThanOrEqualTo(50);
    assertThat(sizes.totalAmount()).isGreaterThanOrEqualTo(1000);
    assertThat(sizes.mean()).isGreaterThan(1);
  }

  @Test
  void oneFailingItemRetriesAndDeadLettersAloneWhileItsNeighboursComplete() {
    List<String> ids = new ArrayList<>();
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 10; i++) {
      batch.append(i == 0 ? "" : ",");
      batch.append("{\"type\":\"test.batch\",\"payload\":{\"n\":").append(i);
      batch.append(i == 3 ? ",\"fail\":true" : "").append("}}");
    }
    var response = post("/api/tasks/batch", batch.append("]").toString());
    assertThat(response.statusCode()).isEqualTo(202);
    json(response.body()).forEach(t -> ids.add(t.get("id").asText()));

    awaitStatus(ids.get(3), "dead_letter");
    assertThat(task(ids.get(3)).get("attempts").asInt()).isEqualTo(3);
    assertThat(task(ids.get(3)).get("error").asText()).contains("item 3 fails");
    assertThat(transitions(ids.get(3)))
        .containsExactly(
            "null->pending",
            "pending->running",
            "running->failed",
            "failed->pending",
            "pending->running",
            "running->failed",
            "failed->pending",
            "pending->running",
            "running->failed",
            "failed->dead_letter");
    for (int i = 0; i < 10; i++) {
      if (i != 3) {
        awaitStatus(ids.get(i), "completed");
        assertThat(task(ids.get(i)).get("attempts").asInt()).isEqualTo(1);
        assertThat(handlers.runs(ids.get(i))).isEqualTo(1);
        assertThat(transitions(ids.get(i)))
            .containsExactly("null->pending", "pending->running", "running->completed");
      }
    }
    assertThat(handlers.runs(ids.get(3))).isEqualTo(3);
    assertThat(handlers.batchSizes()).allMatch(size -> size <= 10);
  }

  @Test
  void aBatchThatFailsAsAWholeFailsEachTaskOnItsOwn() {
    String failing = enqueue("{\"type\":\"test.batch\",\"payload\":{\"failBatch\":true}}");
    awaitStatus(failing, "dead_letter");
    assertThat(task(failing).get("attempts").asInt()).isEqualTo(3);
    assertThat(task(failing).get("error").asText()).contains("the whole batch fails");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> messagesFor("taskqueue.dlq.test", failing) == 1);
  }
}
