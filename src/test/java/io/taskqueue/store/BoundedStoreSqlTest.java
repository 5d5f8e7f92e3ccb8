package io.taskqueue.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.MigratedStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rescue and retention statements on both databases (H2, the embedded default, and PostgreSQL):
 * each touches at most {@code :#TaskLimit} rows, only the rows it should, oldest first, and finds
 * them through an index. Runs the SQL files as camel-sql does ({@code :#Name} bound by name)
 * against freshly migrated schemas.
 */
class BoundedStoreSqlTest {

  private static final Pattern PARAM = Pattern.compile(":#(\\w+)");
  private static final Instant NOW = Instant.now();

  private Connection c;
  private String dialect;

  @AfterEach
  void close() throws SQLException {
    if (c != null) {
      c.close();
    }
  }

  private void open(String dialect) throws SQLException {
    this.dialect = dialect;
    c = MigratedStores.open(dialect, "sql");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void expiredLeasesAreRescuedABatchAtATimeAndSpentOnesAreLeftForTheDeadLetterStep(String db)
      throws Exception {
    open(db);
    List<UUID> expired = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      expired.add(insert("running", 1, 3, NOW.minusSeconds(100 - i), NOW));
    }
    UUID spent = insert("running", 3, 3, NOW.minusSeconds(200), NOW);
    UUID live = insert("running", 1, 3, NOW.plusSeconds(30), NOW);

    Map<String, Object> p =
        Map.of(
            "TaskFromStatus",
            "running",
            "TaskToStatus",
            "pending",
            "TaskNode",
            "n1",
            "TaskNow",
            ts(NOW),
            "TaskLimit",
            3);
    assertThat(update(dialect + "/rescue_leases", p)).isEqualTo(3);
    // oldest lease first
    assertThat(statusOf(expired.get(0))).isEqualTo("pending");
    assertThat(statusOf(expired.get(6))).isEqualTo("running");
    assertThat(update(dialect + "/rescue_leases", p)).isEqualTo(3);
    assertThat(update(dialect + "/rescue_leases", p)).isEqualTo(1);
    assertThat(update(dialect + "/rescue_leases", p)).isZero();
    assertThat(statusOf(spent)).isEqualTo("running");
    assertThat(statusOf(live)).isEqualTo("running");
    assertThat(scalar("SELECT COUNT(*) FROM task_history WHERE reason = 'lease expired'"))
        .isEqualTo(7L);

    List<Map<String, Object>> spentRows =
        query("spent_leases", Map.of("TaskNow", ts(NOW), "TaskLimit", 10));
    assertThat(spentRows).hasSize(1);
    assertThat(spentRows.get(0).get("id")).isEqualTo(spent.toString());
    Map<String, Object> expire =
        Map.of(
            "TaskFromStatus",
            "running",
            "TaskToStatus",
            "failed",
            "TaskNode",
            "n1",
            "TaskNow",
            ts(NOW),
            "TaskId",
            spent.toString(),
            "TaskAttempt",
            3);
    assertThat(update("expire_lease", expire)).isEqualTo(1);
    assertThat(update("expire_lease", expire)).isZero();
    // a live lease is never expired, whatever attempt is named
    assertThat(
            update(
                "expire_lease",
                Map.of(
                    "TaskFromStatus",
                    "running",
                    "TaskToStatus",
                    "failed",
                    "TaskNode",
                    "n1",
                    "TaskNow",
                    ts(NOW),
                    "TaskId",
                    live.toString(),
                    "TaskAttempt",
                    1)))
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void stalePendingTasksAreMarkedABatchAtATime(String db) throws Exception {
    open(db);
    for (int i = 0; i < 5; i++) {
      insert("pending", 0, 3, null, NOW.minus(Duration.ofHours(2)));
    }
    UUID fresh = insert("pending", 0, 3, null, NOW);
    Map<String, Object> p =
        Map.of(
            "TaskNow", ts(NOW), "TaskCutoff", ts(NOW.minus(Duration.ofHours(1))), "TaskLimit", 2);
    assertThat(update(dialect + "/stale_pending", p)).isEqualTo(2);
    assertThat(update(dialect + "/stale_pending", p)).isEqualTo(2);
    assertThat(update(dialect + "/stale_pending", p)).isEqualTo(1);
    assertThat(update(dialect + "/stale_pending", p)).isZero();
    assertThat(scalar("SELECT COUNT(*) FROM tasks WHERE NOT published")).isEqualTo(5L);
    assertThat(query("unpublished", Map.of("TaskLimit", 3))).hasSize(3);
    assertThat(scalar("SELECT COUNT(*) FROM tasks WHERE published AND id = '" + fresh + "'"))
        .isEqualTo(1L);
    assertThat(plan(dialect + "/stale_pending", p)).contains("tasks_status_updated");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void retentionArchivesAndPurgesABatchAtATimeWithTheHistory(String db) throws Exception {
    open(db);
    Instant old = NOW.minus(Duration.ofDays(40));
    for (int i = 0; i < 3; i++) {
      insert("completed", 1, 3, null, old);
    }
    UUID recent = insert("completed", 1, 3, null, NOW);
    Map<String, Object> archive =
        Map.of(
            "TaskFromStatus",
            "completed",
            "TaskToStatus",
            "archived",
            "TaskNode",
            "n1",
            "TaskNow",
            ts(old.plusSeconds(1)),
            "TaskCutoff",
            ts(NOW.minus(Duration.ofDays(7))),
            "TaskLimit",
            2);
    assertThat(update(dialect + "/archive", archive)).isEqualTo(2);
    assertThat(update(dialect + "/archive", archive)).isEqualTo(1);
    assertThat(update(dialect + "/archive", archive)).isZero();
    assertThat(statusOf(recent)).isEqualTo("completed");
    assertThat(scalar("SELECT COUNT(*) FROM task_history")).isEqualTo(4L + 3L);

    Map<String, Object> purge =
        Map.of("TaskCutoff", ts(NOW.minus(Duration.ofDays(30))), "TaskLimit", 2);
    assertThat(update(dialect + "/purge", purge)).isEqualTo(2);
    assertThat(update(dialect + "/purge", purge)).isEqualTo(1);
    assertThat(update(dialect + "/purge", purge)).isZero();
    assertThat(scalar("SELECT COUNT(*) FROM tasks")).isEqualTo(1L);
    // the history of the purged tasks went with them
    assertThat(scalar("SELECT COUNT(*) FROM task_history")).isEqualTo(1L);

    try (Statement s = c.createStatement()) {
      for (int i = 0; i < 5; i++) {
        s.execute(
            "INSERT INTO metrics (recorded_at, name, metric_value) VALUES ('" + old + "', 'x', 1)");
      }
    }
    Map<String, Object> prune =
        Map.of("TaskCutoff", ts(NOW.minus(Duration.ofDays(30))), "TaskLimit", 3);
    assertThat(update("prune_metrics", prune)).isEqualTo(3);
    assertThat(update("prune_metrics", prune)).isEqualTo(2);
  }

  private UUID insert(String status, int attempts, int max, Instant leaseUntil, Instant updated)
      throws SQLException {
    UUID id = UUID.randomUUID();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
                + " max_attempts, owner, lease_until, created_at, updated_at)"
                + " VALUES (?, 't', 'g', '{}', ?, 4, ?, ?, 'n0', ?, ?, ?)")) {
      ps.setObject(1, id);
      ps.setString(2, status);
      ps.setInt(3, attempts);
      ps.setInt(4, max);
      ps.setTimestamp(5, leaseUntil == null ? null : ts(leaseUntil));
      ps.setTimestamp(6, ts(updated));
      ps.setTimestamp(7, ts(updated));
      ps.executeUpdate();
    }
    return id;
  }

  private static Timestamp ts(Instant instant) {
    return Timestamp.from(instant);
  }

  private String statusOf(UUID id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT status FROM tasks WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private long scalar(String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private int update(String file, Map<String, Object> params) throws Exception {
    try (PreparedStatement ps = prepare(read(file), params)) {
      return ps.executeUpdate();
    }
  }

  private List<Map<String, Object>> query(String file, Map<String, Object> params)
      throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (PreparedStatement ps = prepare(read(file), params);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Map<String, Object> row = new java.util.HashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** The plan of a statement, run inside a rolled back transaction. */
  private String plan(String file, Map<String, Object> params) throws Exception {
    StringBuilder text = new StringBuilder();
    c.setAutoCommit(false);
    try (PreparedStatement ps = prepare("EXPLAIN " + read(file), params);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        text.append(rs.getString(1)).append('\n');
      }
    } finally {
      c.rollback();
      c.setAutoCommit(true);
    }
    return text.toString().toLowerCase();
  }

  private PreparedStatement prepare(String sql, Map<String, Object> params) throws SQLException {
    List<String> names = new ArrayList<>();
    Matcher m = PARAM.matcher(sql);
    StringBuilder jdbcSql = new StringBuilder();
    while (m.find()) {
      names.add(m.group(1));
      m.appendReplacement(jdbcSql, "?");
    }
    m.appendTail(jdbcSql);
    PreparedStatement ps = c.prepareStatement(jdbcSql.toString());
    for (int i = 0; i < names.size(); i++) {
      if (!params.containsKey(names.get(i))) {
        throw new IllegalArgumentException("No value for :#" + names.get(i));
      }
      ps.setObject(i + 1, params.get(names.get(i)));
    }
    return ps;
  }

  private static String read(String file) throws IOException {
    try (InputStream in = BoundedStoreSqlTest.class.getResourceAsStream("/sql/" + file + ".sql")) {
      if (in == null) {
        throw new IllegalArgumentException("No sql/" + file + ".sql");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // camel-sql reads the file without its comment lines
      return text.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n");
    }
  }
}
