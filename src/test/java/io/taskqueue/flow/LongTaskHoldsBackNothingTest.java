package io.taskqueue.flow;

import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A consumer busy with a long task buffers no other task's message (consumer window 0): every task
 * queued behind it runs on the group's other consumers.
 */
class LongTaskHoldsBackNothingTest extends TaskQueueTestSupport {

  @Test
  void tasksBehindABlockedTaskRunOnTheOtherConsumers() {
    String blocked = enqueue("{\"type\":\"test.block\",\"payload\":{}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> handlers.blocked() == 1);

    List<String> others = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      others.add(enqueue("{\"type\":\"test.count\",\"payload\":{\"n\":" + i + "}}"));
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> others.stream().allMatch(id -> "completed".equals(status(id))));
    org.assertj.core.api.Assertions.assertThat(status(blocked)).isEqualTo("running");
    handlers.release();
    awaitStatus(blocked, "completed");
  }
}
