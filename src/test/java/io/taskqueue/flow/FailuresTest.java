package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.flow.Failures.Failure;
import io.taskqueue.flow.Failures.Outcome;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.task.TaskConstants;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The failure writer: a batch of failures is one transaction, and a batch in which one attempt was
 * fenced out (its lease was rescued, the task has a newer fence) is written one by one, so exactly
 * the attempts that still own their task fail it. The tasks are running rows with no message, so no
 * worker touches them.
 */
class FailuresTest extends TaskQueueTestSupport {

  @Autowired Failures failures;

  @Test
  void aBatchOfFailuresIsWrittenWhole() {
    String retried = runningTask(3);
    String deadLettered = runningTask(5);
    String alsoRetried = runningTask(1);

    List<Outcome> outcomes =
        failures.write(
            List.of(
                failure(retried, 3, true),
                failure(deadLettered, 5, false),
                failure(alsoRetried, 1, true)));

    assertThat(outcomes).containsExactly(Outcome.REQUEUED, Outcome.DEAD_LETTERED, Outcome.REQUEUED);
    assertThat(status(retried)).isEqualTo("pending");
    assertThat(row(retried).get("published"))
        .as("published once its message is sent")
        .isEqualTo(false);
    assertThat(status(deadLettered)).isEqualTo("dead_letter");
    assertThat(status(alsoRetried)).isEqualTo("pending");
    assertThat(transitions(retried)).endsWith("running->failed", "failed->pending");
    assertThat(transitions(deadLettered)).endsWith("running->failed", "failed->dead_letter");
    assertThat(row(deadLettered).get("last_error")).isEqualTo("boom " + deadLettered);
  }

  @Test
  void aBatchWithAFencedOutAttemptIsWrittenOneByOne() {
    String owned = runningTask(2);
    String rescued = runningTask(7); // the failing attempt below holds fence 6: a rescued lease

    List<Outcome> outcomes =
        failures.write(List.of(failure(owned, 2, false), failure(rescued, 6, true)));

    assertThat(outcomes).containsExactly(Outcome.DEAD_LETTERED, Outcome.FENCED_OUT);
    assertThat(status(owned)).isEqualTo("dead_letter");
    assertThat(transitions(owned)).endsWith("running->failed", "failed->dead_letter");
    assertThat(status(rescued)).isEqualTo("running");
    assertThat(transitions(rescued)).doesNotContain("running->failed");
    assertThat(row(rescued).get("last_error")).isNull();
  }

  /** A running task with fence {@code fence}, leased for an hour, without a broker message. */
  private String runningTask(long fence) {
    String id = UUID.randomUUID().toString();
    jdbc.update(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, published, fence, owner, lease_until, created_at, updated_at)"
            + " VALUES (CAST(? AS UUID), 'test.count', 'test', '{}', 'running', 4, 1, 3, TRUE, ?,"
            + " 'failures-test', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        id,
        fence,
        Timestamp.from(java.time.Instant.now().plus(Duration.ofHours(1))));
    return id;
  }

  /** A failure as the failure route decides it, for the attempt holding {@code fence}. */
  private static Failure failure(String id, long fence, boolean retry) {
    Map<String, Object> headers = new HashMap<>();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    headers.put(TaskConstants.ID, id);
    headers.put(TaskConstants.FENCE, fence);
    headers.put(TaskConstants.ERROR, "boom " + id);
    headers.put(TaskConstants.ERROR_CLASS, "transient");
    headers.put(TaskConstants.NODE, "failures-test");
    headers.put(TaskConstants.REASON, retry ? "retry in 1 h" : "not retried");
    headers.put(TaskConstants.NOW, now);
    // a retry due in an hour: the rescue may send its message, but no worker runs it meanwhile
    headers.put(TaskConstants.RUN_AT, new Timestamp(now.getTime() + 3_600_000));
    headers.put(TaskConstants.RETRY, retry);
    return new Failure(headers, retry);
  }
}
