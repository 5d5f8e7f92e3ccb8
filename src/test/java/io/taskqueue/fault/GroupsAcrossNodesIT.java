package io.taskqueue.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.AppProcess;
import io.taskqueue.support.HttpJson;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Per-group resilience with three nodes of the packaged jar on one PostgreSQL and one standalone
 * broker ({@link Cluster}, which configures the groups): a cluster-wide throttle holds the whole
 * cluster to its limit, a circuit opened on one node holds back the others within seconds, and a
 * pause survives a restart of every node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GroupsAcrossNodesIT {

  private Cluster cluster;

  @BeforeAll
  void startCluster() throws Exception {
    String schema = "tq_groups_" + ProcessHandle.current().pid();
    cluster =
        Cluster.start(
            AppProcess.baseDir().resolve("target/groups-it/run-" + System.currentTimeMillis()),
            schema);
  }

  @AfterAll
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster.dropSchema();
    }
  }

  /** Group throttled: 10 handler calls a second for the whole cluster (throttle.scope cluster). */
  @Test
  @Order(1)
  void aClusterWideThrottleHoldsEveryNodeTogetherToTheLimit() throws Exception {
    StringBuilder batch = new StringBuilder("[");
    for (int i = 0; i < 50; i++) {
      batch
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"demo.echo\",\"group\":\"throttled\",\"payload\":{\"n\":")
          .append(i)
          .append("}}");
    }
    HttpResponse<String> response =
        cluster.anyUp().post("/api/tasks/batch", batch + "]", Duration.ofSeconds(30));
    assertThat(response.statusCode()).isEqualTo(202);
    List<String> ids = new ArrayList<>();
    HttpJson.json(response.body()).forEach(t -> ids.add(t.get("id").asText()));

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> tasks("throttled", "completed") == 50);
    List<Map<String, Object>> completions =
        cluster.query(
            "SELECT h.changed_at, h.node FROM task_history h JOIN tasks t ON t.id = h.task_id"
                + " WHERE t.resource_group = 'throttled' AND h.to_status = 'completed'"
                + " ORDER BY h.changed_at");
    Instant first = ((Timestamp) completions.get(0).get("changed_at")).toInstant();
    Instant last = ((Timestamp) completions.get(49).get("changed_at")).toInstant();
    FaultSuiteIT.log(
        "cluster throttle: 50 completions spread over %d ms on %d nodes",
        Duration.between(first, last).toMillis(),
        completions.stream().map(r -> r.get("node")).distinct().count());
    assertThat(Duration.between(first, last))
        .as("50 calls at 10 a second in the whole cluster")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
    assertThat(completions.stream().map(r -> r.get("node")).distinct().count())
        .as("nodes that ran them")
        .isGreaterThanOrEqualTo(2);
    assertThat(
            count(
                "SELECT COUNT(*) AS n FROM tasks WHERE resource_group = 'throttled'"
                    + " AND attempts <> 1"))
        .isZero();
  }

  /** Group guarded: a breaker per node; the first to open it holds back the other two. */
  @Test
  @Order(2)
  void aCircuitOpenedOnOneNodeIsHonouredByTheOthersWithinSeconds() throws Exception {
    long failUntil = System.currentTimeMillis() + 8_000;
    for (int i = 0; i < 20; i++) {
      cluster
          .nodes
          .get(i % 3)
          .app()
          .enqueue(
              "{\"type\":\"demo.flaky\",\"group\":\"guarded\",\"payload\":{\"failUntil\":"
                  + failUntil
                  + ",\"n\":"
                  + i
                  + "}}");
    }
    Map<String, Instant> firstOpen = new ConcurrentHashMap<>();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              for (Node node : cluster.nodes) {
                JsonNode group = HttpJson.json(node.app().get("/api/groups/guarded").body());
                if ("OPEN".equals(group.get("circuitState").asText())) {
                  firstOpen.putIfAbsent(node.name, Instant.now());
                }
              }
              return firstOpen.size() == cluster.nodes.size();
            });
    Instant earliest = firstOpen.values().stream().min(Instant::compareTo).orElseThrow();
    Instant latest = firstOpen.values().stream().max(Instant::compareTo).orElseThrow();
    FaultSuiteIT.log(
        "circuit of guarded seen OPEN on all %d nodes within %d ms of the first",
        firstOpen.size(), Duration.between(earliest, latest).toMillis());
    assertThat(Duration.between(earliest, latest))
        .as("every node holds back within seconds of the first: %s", firstOpen)
        .isLessThanOrEqualTo(Duration.ofSeconds(3));

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> tasks("guarded", "completed") == 20);
    assertThat(
            count(
                "SELECT COUNT(*) AS n FROM task_history h JOIN tasks t ON t.id = h.task_id"
                    + " WHERE t.resource_group = 'guarded' AND h.to_status = 'dead_letter'"))
        .isZero();
    // attempts count real handler calls only: one per failure, one for the success
    assertThat(
            count(
                "SELECT COUNT(*) AS n FROM tasks t WHERE t.resource_group = 'guarded'"
                    + " AND t.attempts <> 1 + (SELECT COUNT(*) FROM task_history h WHERE h.task_id = t.id"
                    + " AND h.to_status = 'failed')"))
        .isZero();
  }

  /** Group pausable: paused, every node restarted, still paused; resumed, everything runs. */
  @Test
  @Order(3)
  void aPauseSurvivesARestartOfEveryNodeAndResumeRunsEverything() throws Exception {
    assertThat(
            cluster
                .nodes
                .get(0)
                .app()
                .post("/api/groups/pausable/pause", "", Duration.ofSeconds(10))
                .statusCode())
        .isEqualTo(200);
    // every node reads the pause within a poll (1 s); the tasks are enqueued once all have
    awaitPaused(true);
    for (int i = 0; i < 30; i++) {
      assertThat(
              cluster
                  .nodes
                  .get(i % 3)
                  .app()
                  .post(
                      "/api/tasks",
                      "{\"type\":\"demo.echo\",\"group\":\"pausable\",\"payload\":{\"n\":"
                          + i
                          + "}}",
                      Duration.ofSeconds(10))
                  .statusCode())
          .isEqualTo(202);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> depth(cluster.nodes.get(2)) >= 30);

    for (Node node : cluster.nodes) {
      node.kill();
    }
    cluster.ensureUp();
    // every node is up again and has read the pause: nothing of the group runs for a while
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> tasks("pausable", "pending") == 30);
    for (Node node : cluster.nodes) {
      assertThat(
              HttpJson.json(node.app().get("/api/groups/pausable").body())
                  .get("paused")
                  .asBoolean())
          .as("paused on %s after the restart", node.name)
          .isTrue();
    }

    assertThat(
            cluster
                .nodes
                .get(1)
                .app()
                .post("/api/groups/pausable/resume", "", Duration.ofSeconds(10))
                .statusCode())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> tasks("pausable", "completed") == 30);
    assertThat(
            count(
                "SELECT COUNT(*) AS n FROM tasks WHERE resource_group = 'pausable'"
                    + " AND attempts <> 1"))
        .isZero();
  }

  private void awaitPaused(boolean paused) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () ->
                cluster.nodes.stream()
                    .allMatch(
                        n ->
                            HttpJson.json(n.app().get("/api/groups/pausable").body())
                                    .get("paused")
                                    .asBoolean()
                                == paused));
  }

  private static long depth(Node node) {
    return HttpJson.json(node.app().get("/api/groups/pausable").body()).get("depth").asLong();
  }

  /** The tasks of {@code group} in {@code status} now. */
  private int tasks(String group, String status) throws Exception {
    return ((Number)
            cluster
                .query(
                    "SELECT COUNT(*) AS n FROM tasks WHERE resource_group = ? AND status = ?",
                    group,
                    status)
                .get(0)
                .get("n"))
        .intValue();
  }

  private int count(String sql) throws Exception {
    return ((Number) cluster.query(sql).get(0).get("n")).intValue();
  }
}
