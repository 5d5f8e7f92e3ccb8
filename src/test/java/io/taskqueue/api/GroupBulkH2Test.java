package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.HttpJson;
import io.taskqueue.support.TestApps;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The bulk commands on the embedded default store (H2 file database, embedded broker, no profile):
 * the per-dialect statements ({@code sql/h2/bulk_*.sql}) redrive, cancel and purge like
 * PostgreSQL's.
 */
class GroupBulkH2Test {

  private static final String LATER = Instant.now().plus(Duration.ofHours(1)).toString();

  private static ConfigurableApplicationContext app;
  private static HttpClient http;
  private static int port;

  @BeforeAll
  static void startEmbeddedDefault() {
    app = TestApps.run(List.of());
    port = TestApps.port(app);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void redriveCancelAndPurgeWorkOnH2() {
    List<String> failing = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      failing.add(enqueue("{\"type\":\"demo.fail\",\"payload\":{\"kind\":\"validation\"}}"));
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> failing.stream().allMatch(id -> "dead_letter".equals(status(id))));

    assertThat(bulk("redrive", "?type=demo.fail")).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                failing.stream()
                    .allMatch(id -> "dead_letter".equals(status(id)) && history(id).size() == 8));
    assertThat(history(failing.get(0)).get(4).get("reason").asText())
        .isEqualTo("bulk redrive via the API");
    assertThat(bulk("redrive", "?to=" + Instant.now().minus(Duration.ofHours(1)))).isZero();

    List<String> held = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      held.add(enqueue("{\"type\":\"demo.echo\",\"payload\":{},\"runAt\":\"" + LATER + "\"}"));
    }
    assertThat(bulk("cancel", "?type=demo.echo")).isEqualTo(3);
    held.forEach(id -> assertThat(status(id)).isEqualTo("cancelled"));
    assertThat(bulk("cancel", "?type=demo.echo")).isZero();

    assertThat(bulk("purge", "")).isEqualTo(3);
    assertThat(get("/api/tasks/" + held.get(0)).statusCode()).isEqualTo(404);
    assertThat(bulk("purge", "")).isZero();
    assertThat(bulk("purge", "?status=dead_letter")).isEqualTo(2);
    assertThat(get("/api/tasks/" + failing.get(0)).statusCode()).isEqualTo(404);
    assertThat(bulk("purge", "?status=dead_letter")).isZero();
  }

  private long bulk(String action, String query) {
    HttpResponse<String> response =
        HttpJson.send(
            http,
            HttpRequest.newBuilder(uri("/api/groups/demo/" + action + query))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(response.statusCode()).as(action + query + ": " + response.body()).isEqualTo(200);
    return HttpJson.json(response.body()).get("changed").asLong();
  }

  private String enqueue(String json) {
    return HttpJson.acceptedId(HttpJson.send(http, HttpJson.postJson(uri("/api/tasks"), json)));
  }

  private String status(String id) {
    return HttpJson.json(get("/api/tasks/" + id).body()).get("status").asText();
  }

  private List<JsonNode> history(String id) {
    List<JsonNode> steps = new ArrayList<>();
    HttpJson.json(get("/api/tasks/" + id + "/history").body()).forEach(steps::add);
    return steps;
  }

  private HttpResponse<String> get(String path) {
    return HttpJson.send(http, HttpRequest.newBuilder(uri(path)).GET().build());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
