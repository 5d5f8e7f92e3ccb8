package io.taskqueue.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.AppProcess;
import io.taskqueue.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the app process while tasks are pending and running, then a restart on the same data
 * dir (embedded default) or the same schema (PostgreSQL): every accepted task ends {@code
 * completed}, each exactly once.
 */
class KillAndRestartIT {

  static final int TASKS = 300;
  static final int CLIENTS = 8;
  static final String SCHEMA = "tq_it";

  @Test
  void embeddedDefaultFinishesEveryTaskAfterKill9() throws Exception {
    killAndRestart("h2", List.of());
  }

  @Test
  void postgresFinishesEveryTaskAfterKill9() throws Exception {
    TestDatabase.requirePostgres();
    sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    killAndRestart("postgres", postgresArgs());
    assertCompletedOnceEach();
  }

  /**
   * demo.batch tasks collected by the aggregator (batches of up to 40, or what came within 3 s)
   * when the process dies: the collected tasks are running with a lease, the rescue hands them on
   * after the restart, and each completes exactly once.
   */
  @Test
  void postgresFinishesEveryBatchedTaskAfterKill9() throws Exception {
    TestDatabase.requirePostgres();
    sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    List<String> args = new ArrayList<>(postgresArgs());
    args.add("--taskqueue.groups.demo.batch.size=40");
    args.add("--taskqueue.groups.demo.batch.timeout=3s");
    batchType = "demo.batch";
    killAndRestart("postgres-batch", args);
    assertCompletedOnceEach();
  }

  /**
   * The JVM dies between a retry's database commit ({@code running -> failed -> pending}) and the
   * send of its message: after the restart the rescue sends it (the row says {@code published =
   * FALSE} until the send), and the task runs its second attempt within seconds, not after {@code
   * rescue.stale-after}.
   */
  @Test
  void aRetryCutOffBeforeItsMessageRunsAfterTheRestart() throws Exception {
    Path dir = AppProcess.baseDir().resolve("target/kill-it/retry-" + System.nanoTime());
    Path log = dir.resolve("app.log");
    List<String> args = new ArrayList<>();
    args.add("--taskqueue.data-dir=" + dir.resolve("data"));
    args.add("--taskqueue.rescue.interval=1s");
    List<String> halting = new ArrayList<>(args);
    halting.add("--taskqueue.fault-injection.halt-at=retry-after-db-commit");
    AppProcess app = AppProcess.start(log, halting);
    try {
      String id =
          app.enqueue(
              "{\"type\":\"demo.fail\",\"maxAttempts\":2,\"payload\":{\"kind\":\"transient\"}}");
      Integer exit = app.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).as("exit code of the app halted after the retry's commit").isEqualTo(137);

      long restart = System.nanoTime();
      app = AppProcess.start(log, args);
      AppProcess second = app;
      JsonNode task =
          await()
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> second.task(id), t -> "dead_letter".equals(t.get("status").asText()));
      System.out.printf(
          "[retry] halted after the retry's commit; restart to dead_letter %d ms%n",
          (System.nanoTime() - restart) / 1_000_000);
      assertThat(task.get("attempts").asInt()).isEqualTo(2);
      assertThat(transitions(app.history(id)))
          .containsExactly(
              "null->pending",
              "pending->running",
              "running->failed",
              "failed->pending",
              "pending->running",
              "running->failed",
              "failed->dead_letter");
    } catch (Throwable failure) {
      printLog(log);
      throw failure;
    } finally {
      app.close();
    }
  }

  /** A task's history as {@code from->to} steps, oldest first. */
  private static List<String> transitions(JsonNode history) {
    List<String> steps = new ArrayList<>();
    for (JsonNode row : history) {
      steps.add(row.get("from").asText() + "->" + row.get("to").asText());
    }
    return steps;
  }

  /** The app's log on the test output, for a failed run. */
  private static void printLog(Path log) throws java.io.IOException {
    System.out.println("---- app log " + log + " ----");
    if (Files.exists(log)) {
      System.out.println(Files.readString(log));
    }
  }

  /** The task type the next run enqueues: demo.sleep of 500 ms, or a batch type. */
  private String batchType;

  private static List<String> postgresArgs() {
    return List.of(
        "--spring.datasource.url=" + TestDatabase.url(),
        "--spring.datasource.username=" + TestDatabase.user(),
        "--spring.datasource.password=" + TestDatabase.password(),
        "--spring.datasource.hikari.schema=" + SCHEMA,
        "--spring.flyway.schemas=" + SCHEMA,
        "--spring.flyway.default-schema=" + SCHEMA);
  }

  private static void assertCompletedOnceEach() throws Exception {
    // the database's own view: no extra task, one completion per task
    assertThat(
            sql(
                "SELECT COUNT(*) FROM tasks WHERE status = 'completed'",
                "SELECT COUNT(*) FROM tasks",
                "SELECT COUNT(DISTINCT task_id) FROM task_history WHERE to_status = 'completed'",
                "SELECT COUNT(*) FROM task_history WHERE to_status = 'completed'"))
        .containsOnly((long) TASKS);
  }

  private void killAndRestart(String store, List<String> storeArgs) throws Exception {
    Path dir = AppProcess.baseDir().resolve("target/kill-it/" + store + "-" + System.nanoTime());
    Path log = dir.resolve("app.log");
    List<String> args = new ArrayList<>(storeArgs);
    args.add("--taskqueue.data-dir=" + dir.resolve("data"));
    args.add("--taskqueue.lease=3s");
    args.add("--taskqueue.rescue.interval=1s");
    // every skipped duplicate delivery and every republished task in the log
    args.add("--logging.level.skip-delivery=DEBUG");
    args.add("--logging.level.rescue=DEBUG");
    AppProcess app = null;
    try {
      app = AppProcess.start(log, args);
      List<String> ids = enqueueTasks(app, batchType);

      AppProcess first = app;
      Map<String, Long> atKill =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(
                  () -> countByStatus(first, ids),
                  c ->
                      c.getOrDefault("completed", 0L) > 0
                          && c.getOrDefault("running", 0L) > 0
                          && (batchType != null || c.getOrDefault("pending", 0L) > 0));
      int exit = app.kill();
      // 128 + 9: the process died from SIGKILL, no shutdown hook ran
      assertThat(exit).as("exit code of the killed app").isEqualTo(137);
      System.out.printf("[%s] kill -9 (exit %d) with tasks %s%n", store, exit, atKill);

      long restart = System.nanoTime();
      app = AppProcess.start(log, args);
      long started = System.nanoTime();
      Map<String, JsonNode> tasks = new ConcurrentHashMap<>();
      AppProcess second = app;
      await()
          .atMost(Duration.ofSeconds(180))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> allCompleted(second, ids, tasks));
      long done = System.nanoTime();
      System.out.printf(
          "[%s] recovery: restart to healthy %d ms, to all %d tasks completed %d ms%n",
          store, (started - restart) / 1_000_000, TASKS, (done - restart) / 1_000_000);

      int rescued = 0;
      for (String id : ids) {
        JsonNode task = tasks.get(id);
        assertThat(task).as("accepted task %s exists", id).isNotNull();
        assertThat(task.get("status").asText()).as("status of %s", id).isEqualTo("completed");
        JsonNode history = app.history(id);
        List<String> transitions = transitions(history);
        for (JsonNode row : history) {
          rescued += "lease expired".equals(row.get("reason").asText()) ? 1 : 0;
        }
        assertThat(transitions)
            .as("history of %s", id)
            .filteredOn("running->completed"::equals)
            .hasSize(1);
        assertThat(transitions).as("history of %s", id).last().isEqualTo("running->completed");
      }
      System.out.printf("[%s] %d task(s) were rescued after their lease expired%n", store, rescued);
    } catch (Throwable failure) {
      printLog(log);
      throw failure;
    } finally {
      if (app != null) {
        app.close();
      }
    }
  }

  /**
   * {@link #TASKS} tasks from {@link #CLIENTS} threads, demo.sleep of 500 ms unless {@code type}
   * names another; the ids in enqueue order.
   */
  private static List<String> enqueueTasks(AppProcess app, String type) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        String body =
            type == null
                ? "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":500,\"n\":" + i + "}}"
                : "{\"type\":\"" + type + "\",\"payload\":{\"n\":" + i + "}}";
        futures.add(clients.submit(() -> app.enqueue(body)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : futures) {
        ids.add(f.get());
      }
      assertThat(ids).doesNotHaveDuplicates().hasSize(TASKS);
      return ids;
    } finally {
      clients.shutdownNow();
    }
  }

  /** The group's task counts by status (one request, so a poll is quick even under load). */
  private static Map<String, Long> countByStatus(AppProcess app, List<String> ids) {
    JsonNode counts =
        io.taskqueue.support.HttpJson.json(app.get("/api/groups/demo").body()).get("counts");
    Map<String, Long> byStatus = new TreeMap<>();
    counts.fields().forEachRemaining(f -> byStatus.put(f.getKey(), f.getValue().asLong()));
    byStatus.values().removeIf(n -> n == 0);
    return byStatus;
  }

  /** Reads the tasks not known to be completed yet; true once all are. */
  private static boolean allCompleted(
      AppProcess app, List<String> ids, Map<String, JsonNode> tasks) {
    for (String id : ids) {
      JsonNode known = tasks.get(id);
      if (known == null || !"completed".equals(known.get("status").asText())) {
        JsonNode task = app.task(id);
        if (task == null) {
          return false;
        }
        tasks.put(id, task);
        if (!"completed".equals(task.get("status").asText())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Runs statements in {@link #SCHEMA}; returns the single value of each query. */
  private static List<Long> sql(String... statements) throws Exception {
    List<Long> values = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(
                TestDatabase.url(), TestDatabase.user(), TestDatabase.password());
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        if (statement.startsWith("SELECT")) {
          s.execute("SET search_path TO " + SCHEMA);
          try (ResultSet rs = s.executeQuery(statement)) {
            rs.next();
            values.add(rs.getLong(1));
          }
        } else {
          s.execute(statement);
        }
      }
    }
    return values;
  }
}
