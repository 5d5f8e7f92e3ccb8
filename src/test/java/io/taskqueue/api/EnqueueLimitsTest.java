package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Input limits and misdirected requests over HTTP: each is a 4xx naming the field or the setting,
 * never a 5xx, and creates nothing.
 */
class EnqueueLimitsTest extends TaskQueueTestSupport {

  @Test
  void aRunAtMoreThanAYearAheadIs400NamingTheField() {
    HttpResponse<String> response =
        post(
            "/api/tasks",
            "{\"type\":\"test.count\",\"runAt\":\""
                + Instant.now().plus(Duration.ofDays(400))
                + "\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).get("field").asText()).isEqualTo("runAt");
    assertThat(json(response.body()).get("error").asText()).contains("taskqueue.run-at-horizon");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void aBatchOverTheCountLimitIsRefused() {
    String many = "[" + "{\"type\":\"test.count\"},".repeat(10_000) + "{\"type\":\"test.count\"}]";
    HttpResponse<String> response = post("/api/tasks/batch", many);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response.body()).get("error").asText())
        .contains("at most 10000 tasks (taskqueue.batch-max-tasks)");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void anArraySentToTheSingleEndpointPointsToTheBatchEndpoint() {
    HttpResponse<String> response = post("/api/tasks", " [{\"type\":\"test.count\"}]");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response.body()).get("error").asText()).contains("/api/tasks/batch");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void anEmptyOrBrokenCursorIs400() {
    for (String query : new String[] {"cursor=", "cursor", "cursor=%25", "cursor=x&cursor="}) {
      HttpResponse<String> response = get("/api/tasks?" + query);
      assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(400);
    }
  }
}
