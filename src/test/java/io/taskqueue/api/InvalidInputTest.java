package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invalid input answers 400 naming the field, and writes nothing to the database or the broker. */
class InvalidInputTest extends TaskQueueTestSupport {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"payload\":{}}                                         | type",
        "{\"type\":\"Bad Type\"}                                   | type",
        "{\"type\":7}                                              | type",
        "{\"type\":\"demo.echo\",\"priority\":10}                  | priority",
        "{\"type\":\"demo.echo\",\"priority\":-1}                  | priority",
        "{\"type\":\"demo.echo\",\"priority\":1.5}                 | priority",
        "{\"type\":\"demo.echo\",\"priority\":\"3\"}               | priority",
        "{\"type\":\"demo.echo\",\"group\":\"nope\"}               | group",
        "{\"type\":\"demo.echo\",\"runAt\":\"tomorrow\"}           | runAt",
        "{\"type\":\"demo.echo\",\"maxAttempts\":0}                | maxAttempts",
        "{\"type\":\"demo.echo\",\"color\":\"red\"}                | color",
      })
  void invalidFieldIsNamedAndNothingIsWritten(String body, String field) {
    long added = brokerMessagesAdded();

    HttpResponse<String> response = post("/api/tasks", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).get("field").asText()).isEqualTo(field);
    assertThat(json(response.body()).get("error").asText()).isNotBlank();
    assertNothingWritten(added);
  }

  @Test
  void brokenJsonIsRefused() {
    long added = brokerMessagesAdded();
    HttpResponse<String> response = post("/api/tasks", "{\"type\":\"demo.echo\",");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).get("error").asText()).contains("JSON");
    assertNothingWritten(added);
  }

  @Test
  void payloadOverTheLimitAnswers413() {
    long added = brokerMessagesAdded();
    String big = "x".repeat(300_000);
    HttpResponse<String> response =
        post("/api/tasks", "{\"type\":\"demo.echo\",\"payload\":\"" + big + "\"}");
    assertThat(response.statusCode()).isEqualTo(413);
    assertNothingWritten(added);
  }

  private long brokerMessagesAdded() {
    return messagesAdded("taskqueue.group.demo")
        + messagesAdded("taskqueue.group.default")
        + messagesAdded("taskqueue.group.test");
  }

  private void assertNothingWritten(long addedBefore) {
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
    assertThat(count("SELECT COUNT(*) FROM task_history")).isZero();
    assertThat(brokerMessagesAdded()).isEqualTo(addedBefore);
  }
}
