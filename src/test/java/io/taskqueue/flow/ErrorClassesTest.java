package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.TaskQueueTestSupport;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each error class ends as specified, its class is on the task and on the history row of the
 * failure, and the exception-to-class mapping is configurable per group and per type (handlers:
 * {@code support/ErrorHandlers}; settings: application-test.yaml, group {@code test}: max-attempts
 * 3, initial-delay 100ms, max-delay 500ms, database-delay 1500ms).
 */
class ErrorClassesTest extends TaskQueueTestSupport {

  private static final long DATABASE_DELAY_MILLIS = 1500;

  @Test
  void validationIsDeadLetteredAfterOneAttempt() {
    String id = enqueue(task("test.error", "validation", 3));

    awaitStatus(id, "dead_letter");

    assertThat(transitions(id))
        .containsExactly(
            "null->pending", "pending->running", "running->failed", "failed->dead_letter");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(task(id).get("errorClass").asText()).isEqualTo("validation");
    assertThat(failureClasses(id)).containsExactly("validation");
  }

  @Test
  void transientIsRetriedThenDeadLettered() {
    String id = enqueue(task("test.error", "transient", 3));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("attempts").asInt()).isEqualTo(3);
    assertThat(task(id).get("errorClass").asText()).isEqualTo("transient");
    assertThat(failureClasses(id)).containsExactly("transient", "transient", "transient");
    assertThat(transitions(id)).endsWith("running->failed", "failed->dead_letter");
  }

  @Test
  void connectionRefusedIsTransientAndCompletesWhenItRecovers() {
    String id =
        enqueue(
            "{\"type\":\"test.error\",\"payload\":{\"kind\":\"connect\",\"once\":true},"
                + "\"maxAttempts\":3}");

    awaitStatus(id, "completed");

    JsonNode task = task(id);
    assertThat(task.get("attempts").asInt()).isEqualTo(2);
    assertThat(task.get("result").get("kind").asText()).isEqualTo("connect");
    // the last failure's class stays on the task, like its error text
    assertThat(task.get("errorClass").asText()).isEqualTo("transient");
    assertThat(task.get("error").asText()).contains("Connection refused");
    assertThat(failureClasses(id)).containsExactly("transient");
    JsonNode completed = last(history(id));
    assertThat(completed.get("to").asText()).isEqualTo("completed");
    assertThat(completed.get("errorClass").isNull()).isTrue();
  }

  @Test
  void databaseIsRetriedAfterTheLongerDatabaseDelay() {
    String id = enqueue(task("test.error", "database", 2));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("attempts").asInt()).isEqualTo(2);
    assertThat(task(id).get("errorClass").asText()).isEqualTo("database");
    assertThat(failureClasses(id)).containsExactly("database", "database");
    Timestamp failed = changedAt(id, "failed").get(0);
    Timestamp retried = changedAt(id, "running").get(1);
    // at least the database delay, where a transient failure of the group waits at most 600 ms
    assertThat(retried.getTime() - failed.getTime()).isGreaterThanOrEqualTo(DATABASE_DELAY_MILLIS);
    String reason =
        jdbc.queryForObject(
            "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                + " AND to_status = 'pending' AND from_status = 'failed'",
            String.class,
            id);
    long delay = Long.parseLong(reason.replaceAll(".*retry in (\\d+) ms.*", "$1"));
    assertThat(delay).isGreaterThanOrEqualTo(DATABASE_DELAY_MILLIS);
    assertThat(reason).startsWith("database failure of attempt 1");
  }

  @Test
  void springDataAccessExceptionIsDatabase() {
    String id = enqueue(task("test.error", "data-access", 1));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("errorClass").asText()).isEqualTo("database");
  }

  @Test
  void businessFollowsTheGroupDefaultWhenTheTypeSetsNoPolicy() {
    // group test leaves retry-business false: dead-letter
    String id = enqueue(task("test.error", "business", 3));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(task(id).get("errorClass").asText()).isEqualTo("business");
  }

  @Test
  void businessWithPolicyRetryIsRetried() {
    String id = enqueue(task("test.error.retry", "business", 2));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("attempts").asInt()).isEqualTo(2);
    assertThat(failureClasses(id)).containsExactly("business", "business");
  }

  @Test
  void businessWithPolicyDeadLetterIsDeadLetteredAtOnce() {
    String id = enqueue(task("test.error.deadletter", "business", 3));

    awaitStatus(id, "dead_letter");

    assertThat(transitions(id))
        .containsExactly(
            "null->pending", "pending->running", "running->failed", "failed->dead_letter");
    assertThat(task(id).get("errorClass").asText()).isEqualTo("business");
  }

  @Test
  void businessWithPolicyCompleteCompletesWithAnErrorResult() {
    String id = enqueue(task("test.error.complete", "business", 3));

    awaitStatus(id, "completed");

    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->completed");
    JsonNode task = task(id);
    assertThat(task.get("attempts").asInt()).isEqualTo(1);
    assertThat(task.get("result").get("errorClass").asText()).isEqualTo("business");
    assertThat(task.get("result").get("error").asText()).contains("test business failure");
    assertThat(task.get("errorClass").asText()).isEqualTo("business");
    assertThat(task.get("error").asText()).contains("test business failure");
    JsonNode completed = last(history(id));
    assertThat(completed.get("errorClass").asText()).isEqualTo("business");
    assertThat(completed.get("reason").asText())
        .isEqualTo(
            "business failure of attempt 1, completed with an error result (business:"
                + " complete)");
    assertThat(messagesFor("taskqueue.dlq.test", id)).isZero();
  }

  @Test
  void businessPolicyCompleteDoesNotTouchOtherClasses() {
    String id = enqueue(task("test.error.complete", "validation", 3));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("errorClass").asText()).isEqualTo("validation");
  }

  @Test
  void systemIsRetried() {
    String id = enqueue(task("test.error", "system", 2));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("attempts").asInt()).isEqualTo(2);
    assertThat(task(id).get("errorClass").asText()).isEqualTo("system");
    assertThat(failureClasses(id)).containsExactly("system", "system");
  }

  @Test
  void groupMappingClassifiesACustomExceptionAndItsSubclasses() {
    // group test: validation: [ErrorHandlers.CustomError]; built in, it would be system (retried)
    String custom = enqueue(task("test.error", "custom", 3));
    String sub = enqueue(task("test.error", "custom-sub", 3));

    awaitStatus(custom, "dead_letter");
    awaitStatus(sub, "dead_letter");

    for (String id : List.of(custom, sub)) {
      assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
      assertThat(task(id).get("errorClass").asText()).isEqualTo("validation");
      assertThat(failureClasses(id)).containsExactly("validation");
    }
  }

  @Test
  void typeMappingWinsOverTheGroupMapping() {
    // type test.error.typed: transient: [ErrorHandlers$CustomError]
    String id = enqueue(task("test.error.typed", "custom-sub", 2));

    awaitStatus(id, "dead_letter");

    assertThat(task(id).get("attempts").asInt()).isEqualTo(2);
    assertThat(failureClasses(id)).containsExactly("transient", "transient");
  }

  @Test
  void deadLetterNoticeCarriesTheClass() {
    String id = enqueue(task("test.error", "validation", 1));

    awaitStatus(id, "dead_letter");

    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> messagesFor("taskqueue.dlq.test", id) == 1);
    String body =
        jms.browseSelected(
            "taskqueue.dlq.test",
            "TaskId = '" + id + "'",
            (session, browser) ->
                ((jakarta.jms.TextMessage)
                        java.util.Collections.list(browser.getEnumeration()).get(0))
                    .getText());
    assertThat(json(body).get("errorClass").asText()).isEqualTo("validation");
  }

  private static String task(String type, String kind, int maxAttempts) {
    return "{\"type\":\""
        + type
        + "\",\"payload\":{\"kind\":\""
        + kind
        + "\"},\"maxAttempts\":"
        + maxAttempts
        + "}";
  }

  private JsonNode history(String id) {
    return json(get("/api/tasks/" + id + "/history").body());
  }

  private static JsonNode last(JsonNode array) {
    return array.get(array.size() - 1);
  }

  /** The errorClass of each running -> failed history entry, from the API, oldest first. */
  private List<String> failureClasses(String id) {
    List<String> classes = new ArrayList<>();
    for (JsonNode step : history(id)) {
      if ("failed".equals(step.get("to").asText())) {
        classes.add(step.get("errorClass").asText(null));
      } else {
        assertThat(step.get("errorClass").isNull())
            .as("errorClass of %s->%s", step.get("from"), step.get("to"))
            .isTrue();
      }
    }
    return classes;
  }

  private List<Timestamp> changedAt(String id, String to) {
    return jdbc.queryForList(
        "SELECT changed_at FROM task_history WHERE task_id = CAST(? AS UUID)"
            + " AND to_status = ? ORDER BY id",
        Timestamp.class,
        id,
        to);
  }
}
