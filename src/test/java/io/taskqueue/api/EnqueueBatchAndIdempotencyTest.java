package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.BrokerProbe;
import io.taskqueue.support.TaskQueueTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** POST /api/tasks/batch (all or nothing), Idempotency-Key (also concurrent), 415. */
class EnqueueBatchAndIdempotencyTest extends TaskQueueTestSupport {

  @Autowired EmbeddedActiveMQ embedded;
  BrokerProbe broker;

  @BeforeEach
  void probe() {
    broker = new BrokerProbe(embedded);
  }

  @Test
  void batchEnqueuesEveryTaskAndAllComplete() {
    HttpResponse<String> response =
        post(
            "/api/tasks/batch",
            "[{\"type\":\"demo.echo\",\"payload\":{\"n\":1}},"
                + "{\"type\":\"test.count\",\"payload\":2,\"priority\":9},"
                + "{\"type\":\"demo.echo\",\"payload\":\"three\",\"group\":\"default\"}]");

    assertThat(response.statusCode()).isEqualTo(202);
    JsonNode list = json(response.body());
    assertThat(list).hasSize(3);
    assertThat(list.get(0).get("group").asText()).isEqualTo("demo");
    assertThat(list.get(1).get("group").asText()).isEqualTo("test");
    assertThat(list.get(2).get("group").asText()).isEqualTo("default");
    list.forEach(t -> assertThat(t.get("status").asText()).isEqualTo("pending"));
    awaitStatus(list.get(0).get("id").asText(), "completed");
    awaitStatus(list.get(1).get("id").asText(), "completed");
    assertThat(task(list.get(2).get("id").asText()).get("payload").asText()).isEqualTo("three");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(3);
  }

  @Test
  void oneInvalidElementRejectsTheWholeBatchAndSendsNothing() {
    // what the enqueue published: a worker giving back a message of an earlier test meanwhile
    // adds one to the group queues too, and is counted apart
    long before = publishedByEnqueue();
    HttpResponse<String> badPriority =
        post(
            "/api/tasks/batch",
            "[{\"type\":\"demo.echo\"},{\"type\":\"demo.echo\"},{\"type\":\"demo.echo\"},"
                + "{\"type\":\"demo.echo\",\"priority\":12}]");
    // the unknown group is only found while routing, after element 0 was validated
    HttpResponse<String> badGroup =
        post(
            "/api/tasks/batch",
            "[{\"type\":\"demo.echo\"},{\"type\":\"demo.echo\",\"group\":\"nope\"}]");

    assertThat(badPriority.statusCode()).isEqualTo(400);
    assertThat(json(badPriority.body()).get("field").asText()).isEqualTo("[3].priority");
    assertThat(badGroup.statusCode()).isEqualTo(400);
    assertThat(json(badGroup.body()).get("field").asText()).isEqualTo("[1].group");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
    assertThat(publishedByEnqueue()).isEqualTo(before);
  }

  @Test
  void repeatedIdempotencyKeyReturnsTheFirstTaskAndPublishesOnce() {
    long before = publishedByEnqueue();
    HttpResponse<String> first = postWithKey("/api/tasks", "{\"type\":\"test.count\"}", "k-1");
    String id = json(first.body()).get("id").asText();
    awaitStatus(id, "completed");
    HttpResponse<String> again = postWithKey("/api/tasks", "{\"type\":\"test.count\"}", "k-1");
    // the field works like the header
    HttpResponse<String> byField =
        post("/api/tasks", "{\"type\":\"test.count\",\"idempotencyKey\":\"k-1\"}");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again.body()).get("id").asText()).isEqualTo(id);
    assertThat(json(again.body()).get("status").asText()).isEqualTo("completed");
    assertThat(byField.statusCode()).isEqualTo(200);
    assertThat(json(byField.body()).get("id").asText()).isEqualTo(id);
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
    assertThat(handlers.runs(id)).isEqualTo(1);
    assertThat(publishedByEnqueue()).isEqualTo(before + 1);
  }

  @Test
  void concurrentRepeatsCreateOneTask() throws Exception {
    long before = publishedByEnqueue();
    int threads = 20;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<HttpResponse<String>> call =
            () -> {
              start.await();
              return postWithKey("/api/tasks", "{\"type\":\"test.count\"}", "same-key");
            };
        answers.add(pool.submit(call));
      }
      start.countDown();
      List<String> ids = new ArrayList<>();
      int created = 0;
      for (Future<HttpResponse<String>> f : answers) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        created += r.statusCode() == 202 ? 1 : 0;
        ids.add(json(r.body()).get("id").asText());
      }
      assertThat(created).isEqualTo(1);
      assertThat(ids).containsOnly(ids.get(0));
      assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
      awaitStatus(ids.get(0), "completed");
      assertThat(handlers.runs(ids.get(0))).isEqualTo(1);
      assertThat(publishedByEnqueue()).isEqualTo(before + 1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void repeatedBatchWithAKeyReturnsTheSameTasks() {
    String batch = "[{\"type\":\"test.count\"},{\"type\":\"test.count\"}]";
    HttpResponse<String> first = postWithKey("/api/tasks/batch", batch, "batch-7");
    HttpResponse<String> again = postWithKey("/api/tasks/batch", batch, "batch-7");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(json(again.body()).findValuesAsText("id"))
        .isEqualTo(json(first.body()).findValuesAsText("id"));
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(2);
    assertThat(jdbc.queryForList("SELECT idempotency_key FROM tasks ORDER BY 1", String.class))
        .containsExactly("batch-7/0", "batch-7/1");
  }

  @Test
  void aBodyThatIsNotJsonAnswers415() {
    HttpResponse<String> text =
        post("/api/tasks", "{\"type\":\"demo.echo\"}", "text/plain", Map.of());
    HttpResponse<String> none =
        post("/api/tasks/batch", "[{\"type\":\"demo.echo\"}]", null, Map.of());
    HttpResponse<String> withCharset =
        post("/api/tasks", "{\"type\":\"demo.echo\"}", "application/json; charset=utf-8", Map.of());

    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(json(text.body()).get("error").asText())
        .as(text.body())
        .contains("application/json");
    assertThat(none.statusCode()).isEqualTo(415);
    assertThat(withCharset.statusCode()).isEqualTo(202);
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
  }

  private HttpResponse<String> postWithKey(String path, String body, String key) {
    return post(path, body, "application/json", Map.of("Idempotency-Key", key));
  }

  @Test
  void anIdempotencyKeyReusedForADifferentRequestIs409() {
    Map<String, String> key = Map.of("Idempotency-Key", "reuse-1");
    String first = "{\"type\":\"test.count\",\"payload\":{\"n\":1}}";
    HttpResponse<String> created = post("/api/tasks", first, "application/json", key);
    assertThat(created.statusCode()).isEqualTo(202);
    String id = json(created.body()).get("id").asText();

    HttpResponse<String> retry = post("/api/tasks", first, "application/json", key);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(json(retry.body()).get("id").asText()).isEqualTo(id);

    HttpResponse<String> other =
        post(
            "/api/tasks",
            "{\"type\":\"test.count\",\"payload\":{\"n\":2}}",
            "application/json",
            key);
    assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
    assertThat(json(other.body()).get("error").asText()).contains("different request").contains(id);
    assertThat(json(other.body()).get("field").asText()).isEqualTo("idempotencyKey");

    HttpResponse<String> inBody =
        post(
            "/api/tasks/batch",
            "[{\"type\":\"test.count\"},{\"type\":\"test.count\",\"idempotencyKey\":\"reuse-1\"}]");
    assertThat(inBody.statusCode()).isEqualTo(409);
    assertThat(json(inBody.body()).get("field").asText()).isEqualTo("[1].idempotencyKey");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
  }

  /**
   * Messages added to the group queues, less the delayed copies workers gave back (a worker that
   * meets a message before its group's database commit puts a copy back): what enqueues published.
   */
  private long publishedByEnqueue() {
    return broker.groupMessagesAdded() - (long) metrics.givenBack();
  }
}
