package io.taskqueue.config.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.HttpJson;
import io.taskqueue.support.TestApps;
import io.taskqueue.support.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * The {@code prod} profile over real HTTPS ({@code server.ssl.*} with a PKCS12 keystore made by
 * {@code keytool}) against PostgreSQL: a reader account (plain-text password) and an operator
 * account ({@code {bcrypt}} password); only health probes are open.
 */
class ApiSecurityTest {

  /** A runAt far enough ahead to stay pending, within the 1-year run-at horizon. */
  private static final String LATER =
      java.time.Instant.now().plus(java.time.Duration.ofDays(300)).toString();

  private static final String OPERATOR = "ops";
  private static final String OPERATOR_PASSWORD = "op-s3cret";
  private static final String READER = "viewer";
  private static final String READER_PASSWORD = "read-only";
  private static final String KEYSTORE_PASSWORD = "keystore-secret";

  private static HttpClient http;
  private static ConfigurableApplicationContext app;
  private static int port;

  @BeforeAll
  static void startProdApp() throws Exception {
    TestDatabase.requirePostgres();
    Path keystore = Path.of("target/test-tls/" + UUID.randomUUID() + "/keystore.p12");
    Files.createDirectories(keystore.getParent());
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "taskqueue",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                KEYSTORE_PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor()).as(output).isZero();
    http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .sslContext(trusting(keystore))
            .build();
    app =
        TestApps.run(
            List.of("test", "prod"),
            "server.ssl.enabled=true",
            "server.ssl.key-store=file:" + keystore.toAbsolutePath(),
            "server.ssl.key-store-type=PKCS12",
            "server.ssl.key-store-password=" + KEYSTORE_PASSWORD,
            "server.ssl.key-alias=taskqueue",
            "taskqueue.security.operator.username=" + OPERATOR,
            "taskqueue.security.operator.password={bcrypt}"
                + new BCryptPasswordEncoder().encode(OPERATOR_PASSWORD),
            "taskqueue.security.reader.username=" + READER,
            "taskqueue.security.reader.password=" + READER_PASSWORD);
    port = TestApps.port(app);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void healthProbesAreOpenEverythingElseNeedsCredentials() {
    assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);

    for (String path : List.of("/api/tasks", "/api/groups", "/actuator/prometheus")) {
      HttpResponse<String> anonymous = get(path, null);
      assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
          .get()
          .asString()
          .startsWith("Basic realm=\"camel-taskqueue\"");
      assertThat(HttpJson.json(anonymous.body()).get("error").asText())
          .isEqualTo("Authentication required (HTTP Basic)");
    }
    assertThat(post("/api/tasks", "{\"type\":\"x.y\"}", null).statusCode()).isEqualTo(401);
    assertThat(get("/api/tasks", basic(OPERATOR, "wrong")).statusCode()).isEqualTo(401);
    assertThat(get("/api/tasks", basic(READER, OPERATOR_PASSWORD)).statusCode()).isEqualTo(401);
  }

  @Test
  void theReaderReadsButChangesNothingAndExportsNothing() {
    String reader = basic(READER, READER_PASSWORD);
    assertThat(get("/api/tasks", reader).statusCode()).isEqualTo(200);
    assertThat(get("/api/groups", reader).statusCode()).isEqualTo(200);
    assertThat(get("/actuator/prometheus", reader).statusCode()).isEqualTo(200);

    HttpResponse<String> export = get("/api/tasks/export", reader);
    assertThat(export.statusCode()).isEqualTo(403);
    assertThat(HttpJson.json(export.body()).get("error").asText())
        .isEqualTo("Forbidden: GET /api/tasks/export needs the operator role");

    String id = enqueueAsOperator("{\"type\":\"sec.held\",\"runAt\":\"" + LATER + "\"}");
    for (String path :
        List.of(
            "/api/tasks",
            "/api/tasks/batch",
            "/api/tasks/" + id + "/cancel",
            "/api/tasks/" + id + "/retry",
            "/api/groups/default/pause",
            "/api/groups/default/resume",
            "/api/groups/default/redrive",
            "/api/groups/default/cancel",
            "/api/groups/default/cancel?type=sec.held",
            "/api/groups/default/purge")) {
      String body =
          path.startsWith("/api/tasks/batch") ? "[{\"type\":\"x.y\"}]" : "{\"type\":\"x.y\"}";
      assertThat(post(path, body, reader).statusCode()).as(path).isEqualTo(403);
    }
    assertThat(
            send(HttpRequest.newBuilder(uri("/api/tasks/" + id))
                    .header("Authorization", reader)
                    .DELETE()
                    .build())
                .statusCode())
        .isEqualTo(403);
    JsonNode task = HttpJson.json(get("/api/tasks/" + id, reader).body());
    assertThat(task.get("status").asText()).isEqualTo("pending"); // the cancel did not happen
  }

  @Test
  void theOperatorMayDoEverything() {
    String operator = basic(OPERATOR, OPERATOR_PASSWORD);
    String id = enqueueAsOperator("{\"type\":\"sec.held\",\"runAt\":\"" + LATER + "\"}");
    assertThat(get("/api/tasks/" + id, operator).statusCode()).isEqualTo(200);
    HttpResponse<String> export = get("/api/tasks/export", operator);
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.body()).contains(id);
    assertThat(post("/api/tasks/" + id + "/cancel", "", operator).statusCode()).isEqualTo(200);

    // the bulk commands: the history names the operator
    String since = java.time.Instant.now().toString();
    String bulk = enqueueAsOperator("{\"type\":\"sec.bulk\",\"runAt\":\"" + LATER + "\"}");
    HttpResponse<String> cancel =
        post("/api/groups/default/cancel?type=sec.bulk&from=" + since, "", operator);
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(200);
    assertThat(HttpJson.json(cancel.body()).get("changed").asLong()).isEqualTo(1);
    JsonNode history = HttpJson.json(get("/api/tasks/" + bulk + "/history", operator).body());
    assertThat(history.get(1).get("reason").asText()).isEqualTo("bulk cancel by " + OPERATOR);
    for (String action : List.of("redrive", "purge")) {
      HttpResponse<String> answer =
          post("/api/groups/default/" + action + "?type=sec.none", "", operator);
      assertThat(answer.statusCode()).as(action + ": " + answer.body()).isEqualTo(200);
    }
    assertThat(get("/actuator/prometheus", operator).statusCode()).isEqualTo(200);
  }

  @Test
  void noSessionIsCreatedAndHttpsIsAnnounced() {
    HttpResponse<String> response = get("/api/tasks", basic(READER, READER_PASSWORD));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.uri().getScheme()).isEqualTo("https");
    assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(response.headers().firstValue("Strict-Transport-Security")).isPresent();
  }

  @Test
  void theFirewallRefusesAmbiguousPaths() {
    String operator = basic(OPERATOR, OPERATOR_PASSWORD);
    // encoded dot segments and path parameters could make a matcher and the router disagree
    HttpResponse<String> dots = get("/api/tasks/%2e%2e/export", operator);
    assertThat(dots.statusCode()).isEqualTo(400);
    assertThat(HttpJson.json(dots.body()).get("error").asText()).startsWith("Request rejected: ");
    assertThat(get("/api/tasks/export;x=1", basic(READER, READER_PASSWORD)).statusCode())
        .isEqualTo(400);
    assertThat(get("/api/tasks/export%2F", basic(READER, READER_PASSWORD)).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aCrossSiteBrowserRequestCannotUseTheOperatorsCredentials() {
    String operator = basic(OPERATOR, OPERATOR_PASSWORD);
    HttpResponse<String> crossSite =
        send(
            request("/api/groups/default/pause", operator)
                .header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.body()).contains("Cross-site request refused");
    HttpResponse<String> otherOrigin =
        send(
            request("/api/groups/default/pause", operator)
                .header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(otherOrigin.statusCode()).isEqualTo(403);

    HttpResponse<String> sameOrigin =
        send(
            request("/api/tasks", operator)
                .header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "https://127.0.0.1:" + port)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"type\":\"sec.x\",\"runAt\":\"" + LATER + "\"}"))
                .build());
    assertThat(sameOrigin.statusCode()).isEqualTo(202);
  }

  @Test
  void theDemoHandlersAreNotLoadedInProd() {
    CamelContext camel = app.getBean(CamelContext.class);
    assertThat(camel.getRoute("demo-echo")).isNull();
    assertThat(camel.getRoutes()).anyMatch(r -> r.getRouteId().equals("enqueue"));
  }

  private String enqueueAsOperator(String json) {
    return HttpJson.acceptedId(post("/api/tasks", json, basic(OPERATOR, OPERATOR_PASSWORD)));
  }

  /** A client context that trusts exactly the app's self-signed certificate. */
  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, KEYSTORE_PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("taskqueue", keys.getCertificate("taskqueue"));
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static URI uri(String path) {
    return URI.create("https://127.0.0.1:" + port + path);
  }

  private static HttpRequest.Builder request(String path, String authorization) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    return builder;
  }

  private static HttpResponse<String> get(String path, String authorization) {
    return send(request(path, authorization).GET().build());
  }

  private static HttpResponse<String> post(String path, String body, String authorization) {
    return send(
        request(path, authorization)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build());
  }

  private static HttpResponse<String> send(HttpRequest request) {
    return HttpJson.send(http, request);
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
