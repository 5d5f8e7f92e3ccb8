package io.taskqueue.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.AppProcess;
import io.taskqueue.support.HttpJson;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The multi-node fault suite: a standalone Artemis broker (own JVM, {@code broker/broker.xml}),
 * three app nodes from the packaged jar, PostgreSQL behind a TCP proxy, a fresh schema per run.
 * Each scenario enqueues over HTTP, injects its fault, drains, and counts (see {@link Tally}):
 * lost, completed twice and stuck must be 0 in every scenario. Sizes: {@link FaultProfile} ({@code
 * -Pfault-long} for the long run). One line per scenario goes to {@code
 * target/fault-suite/summary.txt}; the processes' logs to {@code target/fault-suite/<run>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class FaultSuiteIT {

  static final FaultProfile PROFILE = FaultProfile.current();
  static final String FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

  /**
   * The skewed node's environment. Monotonic time is faked too (the same +70 s, harmless to
   * System.nanoTime): with FAKETIME_DONT_FAKE_MONOTONIC=1 the JVM's timed waits spin and a node
   * needs minutes to start. NO_FAKE_STAT: file times stay real (jar and class loading).
   */
  static final Map<String, String> FAKETIME_ENV =
      Map.of(
          "LD_PRELOAD",
          FAKETIME_LIB,
          "FAKETIME",
          "+70s",
          "NO_FAKE_STAT",
          "1",
          "FAKETIME_DONT_RESET",
          "1");

  static final Path OUT = AppProcess.baseDir().resolve("target/fault-suite");
  static final Path SUMMARY = OUT.resolve("summary.txt");

  Cluster cluster;
  boolean allClean = true;
  Instant suiteStart;

  @BeforeAll
  void startCluster() throws Exception {
    suiteStart = Instant.now();
    String run = "run-" + System.currentTimeMillis();
    // unique per run (and per machine user): never collides with another test run's schema
    String schema =
        "tq_fault_" + ProcessHandle.current().pid() + "_" + (System.nanoTime() % 100000);
    Instant t0 = Instant.now();
    cluster = Cluster.start(OUT.resolve(run), schema);
    log(
        "cluster up in %d s: broker %s, database proxy :%d, nodes %s, schema %s",
        Duration.between(t0, Instant.now()).toSeconds(),
        cluster.broker.url(),
        cluster.database.port(),
        cluster.nodes,
        schema);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
      if (allClean) {
        cluster.dropSchema();
      } else {
        log("schema %s kept for a look; logs in %s", cluster.schema, cluster.dir);
      }
      log(
          "fault suite (%s) took %d s",
          PROFILE.name(), Duration.between(suiteStart, Instant.now()).toSeconds());
    }
  }

  @BeforeEach
  void everyNodeUp(TestInfo test) throws Exception {
    log("---- %s ----", test.getDisplayName());
    cluster.ensureUp();
  }

  // ------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void brokerKilledTwiceUnderLoad() throws Exception {
    String tag = "broker-kill";
    Instant start = Instant.now();
    Load load =
        new Load(
                cluster,
                tag,
                PROFILE.brokerKillTasks(),
                n -> n % 2 == 0 ? echo(tag, n) : sleep(tag, n, 50))
            .start(PROFILE.brokerKillLoad());
    try {
      for (int kill = 1; kill <= 2; kill++) {
        awaitCompleted(tag, 20 * kill, Duration.ofSeconds(90));
        cluster.broker.kill();
        log("broker killed (-9), #%d", kill);
        hold(PROFILE.brokerDown()); // the broker stays down this long
        cluster.broker.start();
        log("broker restarted on the same journal and port");
      }
      load.awaitSent(PROFILE.brokerKillLoad().plus(Duration.ofMinutes(3)));
    } finally {
      load.stop();
    }
    assertClean(drainAndCount(tag, load, start, ""));
  }

  @Test
  @Order(2)
  void workerKilledEvery10To20Seconds() throws Exception {
    String tag = "worker-churn";
    Instant start = Instant.now();
    Random random = new Random(42);
    List<CompletableFuture<?>> restarts = new ArrayList<>();
    int kills = 0;
    Load load =
        new Load(cluster, tag, PROFILE.churnTasks(), n -> sleep(tag, n, 200 + (n % 5) * 100))
            .start(PROFILE.churnLoad());
    try {
      Instant end = start.plus(PROFILE.churnLoad());
      while (true) {
        Duration gap = Duration.ofSeconds(10 + random.nextInt(11));
        if (Instant.now().plus(gap).isAfter(end)) {
          break;
        }
        hold(gap); // the fault's schedule: one kill every 10-20 s
        List<Node> up = cluster.upNodes();
        if (up.size() < 2) {
          log("only %s up: no kill this round", up);
          continue;
        }
        Node victim = up.get(random.nextInt(up.size()));
        int exit = victim.kill();
        kills++;
        log("killed %s (exit %d), restarting it", victim.name, exit);
        restarts.add(CompletableFuture.runAsync(() -> restart(victim)));
      }
      CompletableFuture.allOf(restarts.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
      load.awaitSent(Duration.ofMinutes(3));
    } finally {
      load.stop();
    }
    assertClean(drainAndCount(tag, load, start, "kills=" + kills));
  }

  @Test
  @Order(3)
  void nodeFrozenPastItsLease() throws Exception {
    String tag = "sigstop";
    Instant start = Instant.now();
    Node victim = cluster.nodes.get(1);
    Load load =
        new Load(cluster, tag, PROFILE.freezeTasks(), n -> sleep(tag, n, 1000))
            .start(Duration.ofSeconds(4));
    int frozenTasks;
    try {
      frozenTasks =
          await("tasks running on " + victim.name)
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(100))
              .until(() -> runningOn(tag, victim.name), n -> n > 0);
      victim.app().freeze();
      log(
          "SIGSTOP %s with %d task(s) running on it, for %s (lease %s)",
          victim, frozenTasks, PROFILE.freezeFor(), Cluster.LEASE);
      try {
        hold(PROFILE.freezeFor()); // frozen past its lease
      } finally {
        victim.app().resume();
      }
      log("SIGCONT %s", victim.name);
      load.awaitSent(Duration.ofMinutes(3));
    } finally {
      load.stop();
    }
    assertClean(drainAndCount(tag, load, start, "frozenRunning=" + frozenTasks));
  }

  @Test
  @Order(4)
  void postgresCutFor30Seconds() throws Exception {
    String tag = "pg-cut";
    Instant start = Instant.now();
    Duration loadFor = PROFILE.cutFor().plus(Duration.ofSeconds(15));
    Load load =
        new Load(
                cluster,
                tag,
                PROFILE.cutTasks(),
                n -> n % 2 == 0 ? echo(tag, n) : sleep(tag, n, 100))
            .start(loadFor);
    try {
      awaitCompleted(tag, 10, Duration.ofSeconds(60));
      log("cutting PostgreSQL for %s", PROFILE.cutFor());
      cluster.database.cut();
      try {
        hold(PROFILE.cutFor()); // the line stays cut this long
      } finally {
        cluster.database.restore();
      }
      log("PostgreSQL reachable again");
      load.awaitSent(Duration.ofMinutes(5));
    } finally {
      load.stop();
      cluster.database.restore();
    }
    assertClean(drainAndCount(tag, load, start, "failedTries=" + load.failures()));
  }

  @Test
  @Order(5)
  void crashBetweenDatabaseAndBrokerCommit() throws Exception {
    String tag = "commit-order";
    Instant start = Instant.now();
    SoftAssertions softly = new SoftAssertions();
    List<String> points = List.of("enqueue-after-broker-commit", "enqueue-after-db-commit");
    List<Node> crashing = cluster.extras; // one node per halt point, side by side
    List<String> keys = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < points.size(); i++) {
      keys.add(tag + "-" + points.get(i));
      bodies.add(echo(tag, i));
    }
    List<String> accepted = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    try {
      parallel(
          points.size(),
          i ->
              crashing
                  .get(i)
                  .start(
                      List.of(),
                      Map.of(),
                      List.of("--taskqueue.fault-injection.halt-at=" + points.get(i))));
      List<String> firstAnswers = new ArrayList<>();
      List<Integer> exits = new ArrayList<>();
      for (int i = 0; i < points.size(); i++) {
        Node node = crashing.get(i);
        String firstAnswer;
        try {
          HttpResponse<String> answer =
              node.app()
                  .post(
                      "/api/tasks",
                      bodies.get(i),
                      Duration.ofSeconds(30),
                      "Idempotency-Key",
                      keys.get(i));
          firstAnswer = "HTTP " + answer.statusCode();
        } catch (IllegalStateException noAnswer) {
          firstAnswer = "no answer";
        }
        Integer exit = node.awaitExit(Duration.ofSeconds(15));
        log("%s: first try %s, %s exit %s", points.get(i), firstAnswer, node.name, exit);
        if (exit == null) {
          node.kill();
        }
        softly
            .assertThat(exit)
            .as(
                "%s halted at %s (taskqueue.fault-injection.halt-at); first try got %s",
                node.name, points.get(i), firstAnswer)
            .isNotNull();
        firstAnswers.add(firstAnswer);
        exits.add(exit);
      }
      List<Integer> rowsAfterCrash = new ArrayList<>();
      for (String key : keys) {
        rowsAfterCrash.add(tasksWithKey(key));
      }
      parallel(points.size(), i -> crashing.get(i).start()); // without the property
      Instant back = Instant.now(); // healthy again: from here the tasks must run in seconds
      for (int i = 0; i < points.size(); i++) {
        String point = points.get(i);
        String key = keys.get(i);
        // the client saw no answer (or a failure): it retries with the same key, as the API asks
        HttpResponse<String> retry =
            crashing
                .get(i)
                .app()
                .post("/api/tasks", bodies.get(i), Duration.ofSeconds(30), "Idempotency-Key", key);
        softly.assertThat(retry.statusCode()).as("%s: the retry's answer", point).isIn(200, 202);
        if (retry.statusCode() / 100 == 2) {
          accepted.add(HttpJson.json(retry.body()).get("id").asText());
        }
        Duration toComplete;
        try {
          await(point + ": the task completes")
              .atMost(Duration.ofSeconds(30))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> completedWithKey(key));
          toComplete = Duration.between(back, Instant.now());
        } catch (ConditionTimeoutException slow) {
          toComplete = null;
        }
        int rows = tasksWithKey(key);
        softly.assertThat(rows).as("%s: tasks for one request", point).isEqualTo(1);
        softly
            .assertThat(toComplete)
            .as("%s: completed within 30 s of the node being back", point)
            .isNotNull();
        notes.add(
            String.format(
                "%s:{firstTry=%s,exit=%s,rowsAfterCrash=%d,rows=%d,completedAfterRestartMs=%s}",
                point,
                firstAnswers.get(i).replace(' ', '_'),
                exits.get(i),
                rowsAfterCrash.get(i),
                rows,
                toComplete == null ? "never" : toComplete.toMillis()));
      }
    } finally {
      for (Node node : crashing) {
        node.kill();
      }
    }
    Tally tally = drainAndCount(tag, accepted, 0, start, String.join(" ", notes));
    softly.assertThat(tally.lost()).as("lost").isZero();
    softly.assertThat(tally.completedTwice()).as("completed twice").isZero();
    softly.assertThat(tally.stuck()).as("stuck").isZero();
    allClean &= softly.wasSuccess();
    softly.assertAll();
  }

  @Test
  @Order(6)
  void poisonTasksWithABrokerKill() throws Exception {
    String tag = "poison";
    Instant start = Instant.now();
    Load load =
        new Load(
                cluster,
                tag,
                PROFILE.poisonTasks(),
                n ->
                    "{\"type\":\"demo.fail\",\"maxAttempts\":3,\"payload\":{\"scn\":\""
                        + tag
                        + "\",\"n\":"
                        + n
                        + ",\"kind\":\"transient\"}}")
            .start(Duration.ofSeconds(6));
    try {
      hold(Duration.ofSeconds(3)); // mid-way through the first attempts and retries
      cluster.broker.kill();
      log("broker killed (-9) among %d poison tasks", PROFILE.poisonTasks());
      hold(PROFILE.brokerDown());
      cluster.broker.start();
      load.awaitSent(Duration.ofMinutes(3));
    } finally {
      load.stop();
    }
    Tally tally = drainAndCount(tag, load, start, "");
    SoftAssertions softly = clean(tally);
    softly.assertThat(tally.deadLetter()).as("dead_letter").isEqualTo(tally.tasks());
    softly.assertThat(tally.overMax()).as("tasks with attempts > maxAttempts").isZero();
    softly.assertThat(tally.maxAttemptsSeen()).as("most attempts of a task").isLessThanOrEqualTo(3);
    allClean &= softly.wasSuccess();
    softly.assertAll();
  }

  @Test
  @Order(7)
  void handlerThatHaltsItsJvm() throws Exception {
    String tag = "handler-halt";
    Instant start = Instant.now();
    int maxAttempts = PROFILE.haltMaxAttempts();
    Node node = cluster.extras.get(0);
    Map<String, Long> pids = new HashMap<>();
    for (Node other : cluster.nodes) {
      pids.put(other.name, other.app().pid());
    }
    List<String> extraArgs =
        List.of(
            "--camel.main.routes-include-pattern=file:routes/*.camel.yaml,"
                + "file:connectors/*.camel.yaml,file:"
                + AppProcess.baseDir().resolve("src/test/resources/fault")
                + "/*.camel.yaml",
            // only this node has the group (and the handler); the others never consume it
            "--taskqueue.groups.crash.concurrency=1");
    String key = tag + "-" + maxAttempts;
    int crashes = 0;
    List<Integer> exits = new ArrayList<>();
    String id = null;
    try {
      node.start(List.of(), Map.of(), extraArgs);
      try {
        // the node may run the task, and die, before it has written the answer
        node.app()
            .post(
                "/api/tasks",
                "{\"type\":\"fault.halt\",\"group\":\"crash\",\"maxAttempts\":"
                    + maxAttempts
                    + ",\"payload\":{\"scn\":\""
                    + tag
                    + "\"}}",
                Duration.ofSeconds(30),
                "Idempotency-Key",
                key);
      } catch (IllegalStateException noAnswer) {
        log("no answer to the enqueue: the node died first");
      }
      while (true) {
        // a restarted node may take the task (and die) before it is even healthy
        Integer exit = node.awaitExit(Duration.ofSeconds(crashes == 0 ? 30 : 150));
        if (exit == null) {
          break; // no crash: the task is no longer handed to the handler
        }
        crashes++;
        exits.add(exit);
        log("%s died (exit %d), crash #%d", node.name, exit, crashes);
        if (crashes >= maxAttempts) {
          break; // its attempts are spent: the rescue must dead-letter it, no node runs it again
        }
        node.start(List.of(), Map.of(), extraArgs, false); // a supervisor restarts it
      }
      List<Map<String, Object>> ids =
          cluster.query("SELECT id::text AS id FROM tasks WHERE idempotency_key = ?", key);
      assertThat(ids).as("the crashing task was stored").hasSize(1);
      id = (String) ids.get(0).get("id");
      // the others' rescue sees the lease expire (3 s) and must dead-letter the spent task
      awaitFinal(id, Duration.ofSeconds(30));
    } finally {
      node.kill();
    }
    Map<String, Object> row =
        cluster
            .query("SELECT status, attempts, last_error FROM tasks WHERE id = ?::uuid", id)
            .get(0);
    List<String> history = new ArrayList<>();
    for (Map<String, Object> h :
        cluster.query(
            "SELECT from_status, to_status, reason FROM task_history WHERE task_id = ?::uuid"
                + " ORDER BY id",
            id)) {
      history.add(
          h.get("from_status")
              + "->"
              + h.get("to_status")
              + (h.get("reason") == null ? "" : "(" + h.get("reason") + ")"));
    }
    Tally tally =
        drainAndCount(
            tag,
            List.of(id),
            0,
            start,
            "maxAttempts="
                + maxAttempts
                + " crashes="
                + crashes
                + " exits="
                + exits
                + " status="
                + row.get("status")
                + " attempts="
                + row.get("attempts"),
            Duration.ofSeconds(5)); // awaitFinal gave it 30 s already
    log("%s: history %s", tag, history);
    SoftAssertions softly = clean(tally);
    softly
        .assertThat(row.get("status"))
        .as("status of the crashing task, history %s", history)
        .isEqualTo("dead_letter");
    softly
        .assertThat(((Number) row.get("attempts")).intValue())
        .as("attempts")
        .isLessThanOrEqualTo(maxAttempts);
    softly.assertThat(crashes).as("JVMs the handler halted").isEqualTo(maxAttempts);
    for (Node other : cluster.nodes) {
      softly
          .assertThat(other.up() && other.app().pid() == pids.get(other.name))
          .as("%s stayed up", other.name)
          .isTrue();
    }
    allClean &= softly.wasSuccess();
    softly.assertAll();
  }

  @Test
  @Order(8)
  void nodeWithClock70SecondsAhead() throws Exception {
    String tag = "clock-skew";
    assertThat(Path.of(FAKETIME_LIB))
        .as("libfaketime (Debian package libfaketime: apt-get install -y libfaketime)")
        .exists();
    Instant start = Instant.now();
    Node skewed = cluster.nodes.get(2);
    skewed.kill();
    skewed.start(List.of(), FAKETIME_ENV, List.of());
    try {
      Duration skew = clockOf(skewed);
      log("%s runs with its clock %d s ahead", skewed.name, skew.toSeconds());
      assertThat(skew).as("clock skew of %s", skewed.name).isGreaterThan(Duration.ofSeconds(60));
      Load load =
          new Load(cluster, tag, PROFILE.skewTasks(), n -> sleep(tag, n, 1500))
              .start(PROFILE.skewLoad());
      try {
        load.awaitSent(PROFILE.skewLoad().plus(Duration.ofMinutes(2)));
      } finally {
        load.stop();
      }
      Tally tally = drainAndCount(tag, load, start, "skew=" + skew.toSeconds() + "s");
      SoftAssertions softly = clean(tally);
      // a node 70 s ahead must not take a live lease for expired
      softly.assertThat(tally.reruns()).as("reruns (live leases rescued)").isZero();
      allClean &= softly.wasSuccess();
      softly.assertAll();
    } finally {
      skewed.kill(); // the next start (if any) is a normal one
    }
  }

  // ------------------------------------------------------------------------------------------

  interface NodeStep {
    void run(int index) throws Exception;
  }

  /** Runs {@code step(0..count-1)} side by side (node starts), failing if any fails. */
  private static void parallel(int count, NodeStep step) {
    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = i;
      running.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  step.run(index);
                } catch (Exception e) {
                  throw new IllegalStateException(e.toString(), e);
                }
              }));
    }
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
  }

  private void restart(Node node) {
    try {
      node.start();
      log("%s back up", node);
    } catch (Exception e) {
      throw new IllegalStateException(node.name + " did not come back: " + e, e);
    }
  }

  private Tally drainAndCount(String tag, Load load, Instant start, String note) throws Exception {
    String failures = load.failures().isEmpty() ? "" : " tries failed: " + load.failures();
    log(
        "%s: %d accepted, %d refused, %d retried%s",
        tag, load.acceptedCount(), load.refused(), load.retries(), failures);
    return drainAndCount(tag, load.accepted(), load.refused(), start, note);
  }

  private Tally drainAndCount(
      String tag, List<String> accepted, int refused, Instant start, String note) throws Exception {
    return drainAndCount(tag, accepted, refused, start, note, PROFILE.drain());
  }

  private Tally drainAndCount(
      String tag, List<String> accepted, int refused, Instant start, String note, Duration drain)
      throws Exception {
    try {
      await(tag + ": every task in a final state")
          .atMost(drain)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Tally.drained(cluster, tag));
    } catch (ConditionTimeoutException notDrained) {
      log("%s: not drained after %s: %s", tag, drain, Tally.offenders(cluster, tag));
    }
    Tally tally =
        Tally.count(
                cluster, tag, tag, accepted, refused, Duration.between(start, Instant.now()), note)
            .report(SUMMARY, PROFILE.name());
    if (tally.completedTwice() > 0 || tally.stuck() > 0 || tally.reruns() > 0) {
      log("%s: examples %s", tag, Tally.offenders(cluster, tag));
    }
    return tally;
  }

  private SoftAssertions clean(Tally tally) {
    SoftAssertions softly = new SoftAssertions();
    softly.assertThat(tally.lost()).as("%s: lost", tally.scenario()).isZero();
    softly.assertThat(tally.completedTwice()).as("%s: completed twice", tally.scenario()).isZero();
    softly.assertThat(tally.stuck()).as("%s: stuck", tally.scenario()).isZero();
    softly.assertThat(tally.accepted()).as("%s: accepted", tally.scenario()).isPositive();
    return softly;
  }

  private void assertClean(Tally tally) {
    SoftAssertions softly = clean(tally);
    allClean &= softly.wasSuccess();
    softly.assertAll();
  }

  private void awaitCompleted(String tag, int atLeast, Duration max) {
    await(tag + ": " + atLeast + " tasks completed")
        .atMost(max)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                ((Number)
                        cluster
                            .query(
                                "SELECT COUNT(*) AS n FROM tasks WHERE payload::jsonb ->> 'scn' = ?"
                                    + " AND status = 'completed'",
                                tag)
                            .get(0)
                            .get("n"))
                    .intValue(),
            n -> n >= atLeast);
  }

  private int runningOn(String tag, String node) throws Exception {
    return ((Number)
            cluster
                .query(
                    "SELECT COUNT(*) AS n FROM tasks WHERE payload::jsonb ->> 'scn' = ?"
                        + " AND status = 'running' AND owner = ?",
                    tag,
                    node)
                .get(0)
                .get("n"))
        .intValue();
  }

  private int tasksWithKey(String key) throws Exception {
    return ((Number)
            cluster
                .query("SELECT COUNT(*) AS n FROM tasks WHERE idempotency_key = ?", key)
                .get(0)
                .get("n"))
        .intValue();
  }

  private boolean completedWithKey(String key) throws Exception {
    return !cluster
        .query("SELECT id FROM tasks WHERE idempotency_key = ? AND status = 'completed'", key)
        .isEmpty();
  }

  private void awaitFinal(String id, Duration max) {
    try {
      await("task " + id + " final")
          .atMost(max)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  Tally.FINAL.contains(
                      cluster
                          .query("SELECT status FROM tasks WHERE id = ?::uuid", id)
                          .get(0)
                          .get("status")));
    } catch (ConditionTimeoutException notFinal) {
      // counted as stuck
    }
  }

  /** How far the node's clock is ahead, from the Date header of its HTTP answer. */
  private static Duration clockOf(Node node) {
    Instant before = Instant.now();
    HttpResponse<String> response = node.app().get("/actuator/health");
    String date = response.headers().firstValue("Date").orElseThrow();
    Instant theirs = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    return Duration.between(before, theirs);
  }

  /** A fault lasts this long (a broker down, a node frozen, a line cut): not a wait for a state. */
  private static void hold(Duration duration) throws InterruptedException {
    Thread.sleep(duration.toMillis());
  }

  static String echo(String tag, int n) {
    return "{\"type\":\"demo.echo\",\"payload\":{\"scn\":\"" + tag + "\",\"n\":" + n + "}}";
  }

  static String sleep(String tag, int n, int ms) {
    return "{\"type\":\"demo.sleep\",\"payload\":{\"scn\":\""
        + tag
        + "\",\"n\":"
        + n
        + ",\"ms\":"
        + ms
        + "}}";
  }

  static void log(String format, Object... args) {
    System.out.printf("[fault-suite %s] %s%n", Instant.now(), String.format(format, args));
    System.out.flush();
  }

  static {
    try {
      Files.createDirectories(OUT);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
