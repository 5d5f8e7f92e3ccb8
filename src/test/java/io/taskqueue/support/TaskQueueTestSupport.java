package io.taskqueue.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskqueue.metrics.FlowMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * One application context for the whole suite: the real app on a random port, the real PostgreSQL
 * (schema {@code tq_test}, emptied between tests) and a real embedded Artemis broker.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Import(CleanMigration.class)
public abstract class TaskQueueTestSupport {

  static {
    TestDatabase.requirePostgres();
  }

  protected static final ObjectMapper JSON = new ObjectMapper();
  protected static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @LocalServerPort protected int port;
  @Autowired protected JdbcTemplate jdbc;
  @Autowired protected CamelContext camel;
  @Autowired protected ProducerTemplate producer;
  @Autowired protected TestHandlers handlers;
  @Autowired protected FlowMetrics metrics;
  @Autowired protected org.springframework.jms.core.JmsTemplate jms;
  @Autowired protected org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker;

  @BeforeEach
  void emptyTables() {
    jdbc.execute("TRUNCATE tasks, task_history, metrics, circuit_breaker_state");
    handlers.reset();
  }

  protected String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  protected HttpResponse<String> post(String path, String body) {
    return post(path, body, "application/json", Map.of());
  }

  /** POSTs {@code body} with this Content-Type (none when null) and extra headers. */
  protected HttpResponse<String> post(
      String path, String body, String contentType, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    headers.forEach(request::header);
    return send(request.build());
  }

  protected HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
  }

  protected HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  protected static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("Not JSON: " + text, e);
    }
  }

  /** Enqueues over HTTP and returns the new task's id; fails unless the answer is 202. */
  protected String enqueue(String taskJson) {
    HttpResponse<String> response = post("/api/tasks", taskJson);
    if (response.statusCode() != 202) {
      throw new AssertionError(
          "Enqueue answered " + response.statusCode() + ": " + response.body());
    }
    return json(response.body()).get("id").asText();
  }

  protected JsonNode task(String id) {
    return json(get("/api/tasks/" + id).body());
  }

  protected String status(String id) {
    List<String> rows =
        jdbc.queryForList("SELECT status FROM tasks WHERE id = CAST(? AS UUID)", String.class, id);
    return rows.isEmpty() ? null : rows.get(0);
  }

  protected void awaitStatus(String id, String status) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> status.equals(status(id)));
  }

  /** The task's transitions as "from->to" strings, oldest first. */
  protected List<String> transitions(String id) {
    return jdbc.query(
        "SELECT from_status, to_status FROM task_history WHERE task_id = CAST(? AS UUID) ORDER BY id",
        (rs, n) -> rs.getString(1) + "->" + rs.getString(2),
        id);
  }

  protected int count(String sql, Object... args) {
    Integer n = jdbc.queryForObject(sql, Integer.class, args);
    return n == null ? 0 : n;
  }

  /** Messages ever added to a queue of the embedded broker (0 when it does not exist). */
  protected long messagesAdded(String queue) {
    org.apache.activemq.artemis.core.server.Queue q = broker.getActiveMQServer().locateQueue(queue);
    return q == null ? 0 : q.getMessagesAdded();
  }

  /** Messages on a queue right now whose property TaskId is the given id. */
  protected int messagesFor(String queue, String taskId) {
    return jms.browseSelected(
        queue,
        "TaskId = '" + taskId + "'",
        (session, browser) -> java.util.Collections.list(browser.getEnumeration()).size());
  }

  protected Map<String, Object> row(String id) {
    return jdbc.queryForMap("SELECT * FROM tasks WHERE id = CAST(? AS UUID)", id);
  }

  /**
   * How often a waiting task message was offered to a worker: the broker's delivery count plus the
   * times a worker gave a copy of it back to the queue ({@code TaskGivenBack}).
   */
  protected static int offers(org.apache.activemq.artemis.core.server.MessageReference ref) {
    Object given = ref.getMessage().getObjectProperty("TaskGivenBack");
    return ref.getDeliveryCount() + (given instanceof Number n ? n.intValue() : 0);
  }
}
