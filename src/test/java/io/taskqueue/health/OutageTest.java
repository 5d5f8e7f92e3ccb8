package io.taskqueue.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.api.ServiceUnavailable;
import io.taskqueue.support.AppProcess;
import io.taskqueue.support.HttpJson;
import io.taskqueue.support.TcpProxy;
import io.taskqueue.support.TestApps;
import io.taskqueue.support.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The database or the broker goes away under a running app: enqueue answers 503 with {@code
 * Retry-After} within a few seconds, readiness goes DOWN while liveness stays UP, and once the
 * database is back everything works again. The app reaches PostgreSQL through a {@link TcpProxy}
 * the test cuts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageTest {

  private static final Pattern POSTGRES_URL =
      Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?(/.*)");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static TcpProxy proxy;
  private static ConfigurableApplicationContext app;
  private static int port;

  @BeforeAll
  static void startBehindAProxy() throws Exception {
    TestDatabase.requirePostgres();
    Matcher url = POSTGRES_URL.matcher(TestDatabase.url());
    assertThat(url.matches()).as(TestDatabase.url()).isTrue();
    proxy =
        new TcpProxy(
            url.group(1),
            url.group(2) == null ? 5432 : Integer.parseInt(url.group(2)),
            AppProcess.freePort());
    app =
        TestApps.run(
            List.of("test"),
            "spring.datasource.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + url.group(3));
    port = TestApps.port(app);
  }

  @AfterAll
  static void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  @Order(1)
  void databaseDownAnswers503QuicklyAndReadinessGoesDown() throws Exception {
    String before = HttpJson.acceptedId(enqueue());
    awaitStatus(before, "completed");

    proxy.cut();
    try {
      long start = System.nanoTime();
      HttpResponse<String> refused = enqueue();
      assertThat(elapsedMillis(start)).isLessThan(6_000);
      assertUnavailable(refused);
      assertUnavailable(get("/api/tasks/" + before));

      assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
      HttpResponse<String> readiness = get("/actuator/health/readiness");
      assertThat(readiness.statusCode()).isEqualTo(503);
      assertThat(HttpJson.json(readiness.body()).get("status").asText()).isEqualTo("DOWN");
    } finally {
      proxy.restore();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get("/actuator/health/readiness").statusCode() == 200);
    String after = HttpJson.acceptedId(enqueue());
    awaitStatus(after, "completed");
  }

  @Test
  @Order(2)
  void brokerDownAnswers503AndReadinessGoesDown() throws Exception {
    app.getBean(EmbeddedActiveMQ.class).stop();

    long start = System.nanoTime();
    HttpResponse<String> refused = enqueue();
    // 10-22 s before config/BrokerConnectFailFast: the send waited behind the listener
    // containers' reconnect attempts on the shared JMS connection, 2 s each
    assertThat(elapsedMillis(start)).isLessThan(6_000);
    assertUnavailable(refused);

    assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);
  }

  private static void assertUnavailable(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After"))
        .hasValue(String.valueOf(ServiceUnavailable.RETRY_AFTER_SECONDS));
    assertThat(HttpJson.json(response.body()).get("error").asText())
        .isEqualTo(ServiceUnavailable.MESSAGE);
  }

  private static void awaitStatus(String id, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                status.equals(
                    HttpJson.json(get("/api/tasks/" + id).body()).path("status").asText()));
  }

  private static HttpResponse<String> enqueue() {
    return HttpJson.send(
        HTTP,
        HttpJson.postJson(uri("/api/tasks"), "{\"type\":\"demo.echo\",\"payload\":{\"n\":1}}"));
  }

  private static HttpResponse<String> get(String path) {
    return HttpJson.send(
        HTTP, HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
