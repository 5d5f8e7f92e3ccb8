package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.flow.CommandOutcome.Result;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.support.TaskRows;
import io.taskqueue.task.TaskStatus;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

/**
 * {@code direct:cancel} and {@code direct:redrive} called straight from a route, as an integrator
 * would: the body is the task id, the answer a {@link CommandOutcome}, the caller's headers stay.
 */
class CommandRouteTest extends TaskQueueTestSupport {

  @Test
  void cancelFromARouteAnswersTheOutcomeAndKeepsTheCallersHeaders() throws Exception {
    String id = TaskRows.insert(jdbc, 1, "test.count", "test", "pending").get(0);
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("direct:test-give-up")
                .routeId("test-give-up")
                .setBody(header("orderTask"))
                .to(Endpoints.CANCEL)
                .setHeader("cancelled", simple("${body.done}"));
          }
        });
    try {
      Exchange answer =
          producer.request(
              "direct:test-give-up",
              e -> {
                e.getIn().setHeader("orderTask", id);
                e.getIn().setHeader("TaskId", "the caller's own task");
                e.getIn().setHeader("TaskReason", "the order was withdrawn");
              });

      assertThat(answer.getException()).isNull();
      CommandOutcome outcome = answer.getMessage().getBody(CommandOutcome.class);
      assertThat(outcome.result()).isEqualTo(Result.DONE);
      assertThat(outcome.task()).containsEntry("id", id).containsEntry("status", "cancelled");
      assertThat(answer.getMessage().getHeaders())
          .containsEntry("orderTask", id)
          .containsEntry("TaskId", "the caller's own task")
          .containsEntry("cancelled", true)
          .doesNotContainKeys("TaskToStatus", "TaskNode", "CamelSqlUpdateCount");
    } finally {
      camel.getRouteController().stopRoute("test-give-up");
      camel.removeRoute("test-give-up");
    }
    assertThat(status(id)).isEqualTo("cancelled");
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND to_status = 'cancelled'",
                String.class,
                id))
        .isEqualTo("the order was withdrawn");
  }

  @Test
  void cancelRefusesAnyStateButPendingAndNamesIt() {
    String id = TaskRows.insert(jdbc, 1, "test.count", "test", "pending").get(0);
    assertThat(cancel(id).result()).isEqualTo(Result.DONE);
    assertThat(reason(id, "cancelled")).isEqualTo(CommandRoute.CANCELLED);

    CommandOutcome twice = cancel(id);
    assertThat(twice.result()).isEqualTo(Result.REFUSED);
    assertThat(twice.current()).isEqualTo("cancelled");
    assertThat(twice.message())
        .isEqualTo("Task " + id + " is cancelled; only a pending task can become cancelled");
    assertThat(transitions(id)).containsExactly("null->pending", "pending->cancelled");
  }

  @Test
  void unknownIdsAndBodiesThatAreNoTaskIdAreNotFound() {
    String unknown = "0190f5c2-0000-7000-8000-000000000000";
    assertThat(cancel(unknown).result()).isEqualTo(Result.NOT_FOUND);
    assertThat(redrive(unknown).message()).isEqualTo("No task with id '" + unknown + "'");
    assertThat(cancel("not-an-id").result()).isEqualTo(Result.NOT_FOUND);
    // a UUID body works as well as its text
    String id = TaskRows.insert(jdbc, 1, "test.count", "test", "pending").get(0);
    assertThat(
            producer
                .requestBody(Endpoints.CANCEL, UUID.fromString(id), CommandOutcome.class)
                .result())
        .isEqualTo(Result.DONE);
  }

  @Test
  void aRedrivenTaskIsPublishedAndRuns() {
    String id = TaskRows.insert(jdbc, 1, "test.count", "test", "dead_letter").get(0);

    CommandOutcome outcome = redrive(id);

    assertThat(outcome.result()).isEqualTo(Result.DONE);
    assertThat(outcome.from()).isEqualTo(TaskStatus.DEAD_LETTER);
    assertThat(outcome.task()).containsEntry("status", "pending").containsEntry("attempts", 0);
    awaitStatus(id, "completed");
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(reason(id, "pending")).isEqualTo(CommandRoute.REDRIVEN);
    // published = TRUE marks a pending task only: a worker may acquire it before the mark
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'pending' AND NOT published"))
        .isZero();

    CommandOutcome again = redrive(id);
    assertThat(again.result()).isEqualTo(Result.REFUSED);
    assertThat(again.message())
        .isEqualTo("Task " + id + " is completed; only a dead_letter task can become pending");
  }

  private CommandOutcome cancel(String id) {
    return producer.requestBody(Endpoints.CANCEL, id, CommandOutcome.class);
  }

  private CommandOutcome redrive(String id) {
    return producer.requestBody(Endpoints.REDRIVE, id, CommandOutcome.class);
  }

  private String reason(String id, String to) {
    return jdbc.queryForObject(
        "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID) AND to_status = ?"
            + " ORDER BY id DESC LIMIT 1",
        String.class,
        id,
        to);
  }
}
