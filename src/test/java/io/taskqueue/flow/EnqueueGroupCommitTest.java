package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.BrokerProbe;
import io.taskqueue.support.TaskQueueTestSupport;
import io.taskqueue.task.InvalidTaskException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Concurrent enqueues share commits (group commit), every one is durable when answered, and a
 * request that fails inside a shared commit fails alone.
 */
class EnqueueGroupCommitTest extends TaskQueueTestSupport {

  @Autowired EnqueueCommits commits;
  @Autowired DataSource dataSource;

  BrokerProbe probe;
  ExecutorService clients;

  @BeforeEach
  void setUp() {
    probe = new BrokerProbe(broker);
    clients = Executors.newFixedThreadPool(32);
  }

  @AfterEach
  void tearDown() {
    clients.shutdownNow();
  }

  @Test
  void manyConcurrentSingleEnqueuesAreAllStoredPublishedAndAnsweredWithDistinctIds()
      throws Exception {
    long messagesBefore = probe.groupMessagesAdded();
    long commitsBefore = commits.commits();
    int n = 600;
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String body = "{\"type\":\"test.count\",\"payload\":{\"n\":" + i + "}}";
      answers.add(clients.submit(() -> post("/api/tasks", body)));
    }
    Set<String> ids = new HashSet<>();
    for (Future<HttpResponse<String>> answer : answers) {
      HttpResponse<String> r = answer.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      String id = json(r.body()).get("id").asText();
      // answered only when durable: the row is there the moment the answer is
      assertThat(status(id)).isNotNull();
      ids.add(id);
    }
    assertThat(ids).hasSize(n);
    // one message each at least: a worker that meets a message before its group's database commit
    // gives a delayed copy back to the queue, which counts as one more message added
    assertThat(probe.groupMessagesAdded() - messagesBefore).isGreaterThanOrEqualTo(n);
    // fewer commits than requests: 32 clients shared them
    assertThat(commits.commits() - commitsBefore).isLessThan(n);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> ids.stream().allMatch(id -> "completed".equals(status(id))));
  }

  /**
   * The writers are held up by a lock on the tasks table while requests queue up, so the queued
   * ones are committed as one group, deterministically: 16 good requests, a single task that reuses
   * an idempotency key for another payload, a batch whose second element does, and a repeat of the
   * first request. The queued ones are sent straight to {@code direct:enqueue} (the path of the JMS
   * inbox and of handlers): HTTP requests run on Spring's task executor, 8 at a time.
   */
  @Test
  void aKeyReusedInsideASharedCommitFailsOnlyItsOwnRequest() throws Exception {
    HttpResponse<String> first =
        post(
            "/api/tasks",
            "{\"type\":\"test.count\",\"payload\":{\"n\":1}}",
            "application/json",
            Map.of("Idempotency-Key", "taken"));
    assertThat(first.statusCode()).isEqualTo(202);
    String firstId = json(first.body()).get("id").asText();
    long messagesBefore = probe.groupMessagesAdded();
    double redoneBefore = commits.redoneGroups();

    List<Future<HttpResponse<String>>> busy;
    List<Future<Object>> good = new ArrayList<>();
    Future<Object> reused;
    Future<Object> batch;
    Future<Object> repeat;
    try (Connection lock = lockTasks()) {
      // the first requests keep every writer waiting on the lock ...
      busy = occupyTheWriters();
      // ... so these queue up behind them and are written together
      for (int i = 0; i < 16; i++) {
        good.add(enqueueDirect("direct:enqueue", "{\"type\":\"test.count\"}"));
      }
      reused =
          enqueueDirect(
              "direct:enqueue",
              "{\"type\":\"test.count\",\"payload\":{\"n\":2},\"idempotencyKey\":\"taken\"}");
      batch =
          enqueueDirect(
              "direct:enqueue-batch",
              "[{\"type\":\"test.count\"},"
                  + "{\"type\":\"test.count\",\"idempotencyKey\":\"taken\"}]");
      // the same request again: answered with the first task, inside the shared commit
      repeat =
          enqueueDirect(
              "direct:enqueue",
              "{\"type\":\"test.count\",\"payload\":{\"n\":1},\"idempotencyKey\":\"taken\"}");
      await().atMost(Duration.ofSeconds(20)).until(() -> commits.backlog() >= 16 + 3);
      lock.rollback();
    }

    for (Future<HttpResponse<String>> answer : busy) {
      assertThat(answer.get().statusCode()).as(answer.get().body()).isEqualTo(202);
    }
    for (Future<Object> answer : good) {
      assertThat(answer.get()).isInstanceOf(Map.class);
      assertThat(((Map<?, ?>) answer.get()).get("status")).isEqualTo("pending");
    }
    assertThat(reused.get()).isInstanceOf(InvalidTaskException.class);
    assertThat(((InvalidTaskException) reused.get()).status()).isEqualTo(409);
    assertThat(((InvalidTaskException) reused.get()).field()).isEqualTo("idempotencyKey");
    assertThat(batch.get()).isInstanceOf(InvalidTaskException.class);
    assertThat(((InvalidTaskException) batch.get()).field()).isEqualTo("[1].idempotencyKey");
    assertThat(((Map<?, ?>) repeat.get()).get("id")).isEqualTo(firstId);

    // the 18 good ones and the first task; nothing of the batch (all or nothing)
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(19);
    // (a copy given back by a worker that met a message before the commit counts as one more)
    assertThat(probe.groupMessagesAdded() - messagesBefore).isGreaterThanOrEqualTo(18);
    // the queued requests went to one writer at once, failed together and were redone alone
    assertThat(commits.redoneGroups()).isGreaterThan(redoneBefore);
  }

  @Test
  void requestsQueuedWhileTheWritersAreBusyShareOneCommit() throws Exception {
    List<Future<Object>> queued = new ArrayList<>();
    List<Future<HttpResponse<String>>> busy;
    try (Connection lock = lockTasks()) {
      busy = occupyTheWriters();
      for (int i = 0; i < 24; i++) {
        queued.add(enqueueDirect("direct:enqueue", "{\"type\":\"test.count\"}"));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> commits.backlog() >= 24);
      lock.rollback();
    }
    for (Future<HttpResponse<String>> answer : busy) {
      assertThat(answer.get().statusCode()).isEqualTo(202);
    }
    for (Future<Object> answer : queued) {
      assertThat(answer.get()).isInstanceOf(Map.class);
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(26);
    // the 24 requests queued behind the busy writers went into one commit
    assertThat(commits.largestCommit()).isGreaterThanOrEqualTo(24);
  }

  /** A connection holding a lock that makes every insert into tasks wait; roll back to release. */
  private Connection lockTasks() throws Exception {
    Connection lock = dataSource.getConnection();
    lock.setAutoCommit(false);
    try (Statement s = lock.createStatement()) {
      s.execute("LOCK TABLE tasks IN EXCLUSIVE MODE");
    }
    return lock;
  }

  /** Enqueues on a client thread; the future holds the reply, or the enqueue's exception. */
  private Future<Object> enqueueDirect(String endpoint, String json) {
    return clients.submit(
        () -> {
          try {
            return producer.requestBody(endpoint, json);
          } catch (CamelExecutionException e) {
            return e.getCause();
          }
        });
  }

  /**
   * Sends single enqueues one at a time until every writer is busy with one (each then waits for
   * the lock the caller holds); later requests queue up.
   */
  private List<Future<HttpResponse<String>>> occupyTheWriters() {
    List<Future<HttpResponse<String>>> sent = new ArrayList<>();
    int writers = 2; // taskqueue.enqueue.writers, default
    for (int i = 1; i <= writers; i++) {
      sent.add(clients.submit(() -> post("/api/tasks", "{\"type\":\"test.count\"}")));
      int busy = i;
      await().atMost(Duration.ofSeconds(20)).until(() -> commits.writing() >= busy);
    }
    return sent;
  }
}
