package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.taskqueue.support.TaskQueueTestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * A YAML handler calling an HTTP service through camel-http, against a local stub (the JDK's HTTP
 * server, plain and TLS with a self-signed certificate): the request it sends, its answer as the
 * task's result, and the error class of a refused call (5xx transient, other 4xx validation).
 */
class HttpConnectorTest extends TaskQueueTestSupport {

  /** One request the stub received. */
  record Received(String method, String path, Map<String, String> headers, String body) {}

  @Autowired ConfigurableEnvironment environment;

  private static final List<Received> received = new CopyOnWriteArrayList<>();
  private static final Map<String, AtomicInteger> requestsByKey = new ConcurrentHashMap<>();
  private static HttpServer stub;
  private static HttpsServer tlsStub;
  private static Map<String, Object> properties;
  private static YamlRoutes routes;

  @BeforeAll
  static void startStubs() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    stub = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    stub.createContext("/orders", HttpConnectorTest::answer);
    stub.start();

    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "https-stub");
    String storePassword = UUID.randomUUID().toString();
    Path store = selfSignedCertificate(dir, storePassword);
    tlsStub = HttpsServer.create(new InetSocketAddress(loopback, 0), 0);
    tlsStub.setHttpsConfigurator(new HttpsConfigurator(serverTls(store, storePassword)));
    tlsStub.createContext("/orders", HttpConnectorTest::answer);
    tlsStub.start();

    properties = new HashMap<>();
    properties.put("http-stub.port", stub.getAddress().getPort());
    properties.put("http-stub.tls-port", tlsStub.getAddress().getPort());
    properties.put("http-stub.trust-store", "file:" + store.toAbsolutePath());
    properties.put("http-stub.trust-store-password", storePassword);
  }

  // the routes need the test instance's camel and environment: loaded by the first test
  @BeforeEach
  void loadRoutes() throws Exception {
    if (routes == null) {
      routes =
          new YamlRoutes(camel, environment, "http-stub", properties, "connectors/http.camel.yaml");
    }
    routes.load();
  }

  @AfterAll
  static void stopStubs() throws Exception {
    if (routes != null) {
      routes.close();
      routes = null;
    }
    stub.stop(0);
    tlsStub.stop(0);
  }

  @BeforeEach
  void forget() {
    received.clear();
    requestsByKey.clear();
  }

  @Test
  void theHandlerPostsThePayloadAndTheAnswerIsTheResult() {
    String id = enqueue("{\"type\":\"test.http-call\",\"payload\":{\"order\":\"A-1\",\"qty\":3}}");

    awaitStatus(id, "completed");
    assertThat(received).hasSize(1);
    Received request = received.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/orders");
    assertThat(request.headers().get("content-type")).startsWith("application/json");
    assertThat(request.headers()).containsEntry("idempotency-key", id);
    assertThat(request.headers()).doesNotContainKeys("taskid", "tasktype", "taskattempt");
    assertThat(json(request.body())).isEqualTo(json("{\"order\":\"A-1\",\"qty\":3}"));
    assertThat(json(result(id))).isEqualTo(json("{\"order\":\"A-1\",\"request\":1}"));
  }

  @Test
  void aServerErrorIsTransientAndTheRetryCarriesTheSameIdempotencyKey() {
    String id =
        enqueue("{\"type\":\"test.http-call\",\"payload\":{\"order\":\"A-2\",\"statuses\":[503]}}");

    awaitStatus(id, "completed");
    assertThat(transitions(id)).contains("running->failed", "failed->pending");
    assertThat(failureClasses(id)).containsExactly("transient");
    assertThat(received).hasSize(2);
    assertThat(received).extracting(r -> r.headers().get("idempotency-key")).containsOnly(id);
    assertThat(json(result(id))).isEqualTo(json("{\"order\":\"A-2\",\"request\":2}"));
    assertThat(row(id).get("attempts")).isEqualTo(2);
  }

  @Test
  void aRefusedRequestIsAValidationFailureAndNotRetried() {
    String id =
        enqueue("{\"type\":\"test.http-call\",\"payload\":{\"order\":\"A-3\",\"statuses\":[422]}}");

    awaitStatus(id, "dead_letter");
    assertThat(failureClasses(id)).containsExactly("validation");
    assertThat(received).hasSize(1);
    assertThat((String) row(id).get("last_error")).contains("422");
  }

  @Test
  void overHttpsTheHandlerTrustsThePartnersCertificateFromProperties() {
    String id = enqueue("{\"type\":\"test.https-call\",\"payload\":{\"order\":\"S-1\"}}");

    awaitStatus(id, "completed");
    assertThat(received).hasSize(1);
    assertThat(json(received.get(0).body())).isEqualTo(json("{\"order\":\"S-1\"}"));
    assertThat(json(result(id))).isEqualTo(json("{\"order\":\"S-1\",\"request\":1}"));
  }

  private String result(String id) {
    return (String) row(id).get("result");
  }

  /** The error classes of the task's failed attempts, oldest first. */
  private List<String> failureClasses(String id) {
    return jdbc.queryForList(
        "SELECT error_class FROM task_history WHERE task_id = CAST(? AS UUID)"
            + " AND to_status IN ('failed', 'dead_letter') AND from_status = 'running' ORDER BY id",
        String.class,
        id);
  }

  /**
   * The stub: records the request; the n-th request with one Idempotency-Key answers the payload's
   * {@code statuses[n-1]} when there is one, else 200 with {@code {"order": ..., "request": n}}.
   */
  private static void answer(HttpExchange exchange) throws IOException {
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> headers = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
    received.add(
        new Received(
            exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
    String key = headers.getOrDefault("idempotency-key", "none");
    int n = requestsByKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    JsonNode payload = json(body);
    JsonNode statuses = payload.path("statuses");
    int status = statuses.size() >= n ? statuses.get(n - 1).asInt() : 200;
    byte[] answer =
        (status == 200
                ? JSON.writeValueAsString(
                    Map.of("order", payload.path("order").asText(), "request", n))
                : "{\"error\":\"the stub says " + status + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, answer.length);
    try (var out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  /**
   * A PKCS12 store with a fresh self-signed certificate for localhost, made by the JDK's keytool.
   */
  private static Path selfSignedCertificate(Path dir, String password) throws Exception {
    Path store = dir.resolve("stub.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "stub",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password,
                "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    return store;
  }

  private static SSLContext serverTls(Path store, String password) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, password.toCharArray());
    }
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, password.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(factory.getKeyManagers(), null, null);
    return tls;
  }
}
