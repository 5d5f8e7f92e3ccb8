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
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The error class on both databases (H2's Java trigger, PostgreSQL's trigger function of V5): the
 * fail write stores it on the task and the history trigger copies it into the {@code running ->
 * failed} row only; a retry and a success keep it on the task; a business failure completed by its
 * type's policy stores it on the {@code running -> completed} row; a spent lease clears it. Runs
 * the SQL files as camel-sql does against freshly migrated schemas.
 */
class ErrorClassHistorySqlTest {

  private static final Pattern PARAM = Pattern.compile(":#(\\w+)");
  private static final Timestamp NOW = Timestamp.from(Instant.now());

  private Connection c;

  @AfterEach
  void close() throws SQLException {
    if (c != null) {
      c.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void failStoresTheClassOnTheTaskAndTheFailedRowAndRetryAndSuccessKeepIt(String db)
      throws Exception {
    open(db);
    UUID id = insertRunning();

    assertThat(update("fail", fail(id, "database"))).isEqualTo(1);
    assertThat(update("requeue", transition(id, "failed", "pending", "TaskRunAt", NOW)))
        .isEqualTo(1);
    exec(
        "UPDATE tasks SET status = 'running', fence = 2, transition_reason = NULL WHERE id = ?",
        id);
    Map<String, Object> success = transition(id, "running", "completed", "TaskFence", 2L);
    success.put("TaskResult", "{}");
    success.put("TaskError", null);
    success.put("TaskErrorClass", null);
    success.put("TaskReason", null);
    assertThat(update("complete", success)).isEqualTo(1);

    assertThat(history(id))
        .containsExactly(
            "null->pending:null",
            "pending->running:null",
            "running->failed:database",
            "failed->pending:null",
            "pending->running:null",
            "running->completed:null");
    assertThat(column(id, "error_class")).isEqualTo("database");
    assertThat(column(id, "last_error")).isEqualTo("boom");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aBusinessFailureCompletedByItsPolicyCarriesItsClass(String db) throws Exception {
    open(db);
    UUID id = insertRunning();
    Map<String, Object> complete = transition(id, "running", "completed", "TaskFence", 1L);
    complete.put("TaskResult", "{\"error\":\"no\",\"errorClass\":\"business\"}");
    complete.put("TaskError", "BusinessTaskException: no");
    complete.put("TaskErrorClass", "business");
    complete.put("TaskReason", "business failure of attempt 1, completed with an error result");

    assertThat(update("complete", complete)).isEqualTo(1);

    assertThat(history(id)).endsWith("running->completed:business");
    assertThat(column(id, "error_class")).isEqualTo("business");
    assertThat(column(id, "last_error")).isEqualTo("BusinessTaskException: no");
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aSpentLeaseIsNoHandlerErrorAndClearsTheClass(String db) throws Exception {
    open(db);
    UUID id = insertRunning();
    exec(
        "UPDATE tasks SET error_class = 'transient', lease_until = ? WHERE id = ?",
        Timestamp.from(NOW.toInstant().minusSeconds(60)),
        id);
    Map<String, Object> expire = transition(id, "running", "failed", "TaskAttempt", 1);

    assertThat(update("expire_lease", expire)).isEqualTo(1);

    assertThat(history(id)).endsWith("running->failed:null");
    assertThat(column(id, "error_class")).isNull();
  }

  private Map<String, Object> fail(UUID id, String errorClass) {
    Map<String, Object> p = transition(id, "running", "failed", "TaskFence", 1L);
    p.put("TaskError", "boom");
    p.put("TaskErrorClass", errorClass);
    p.put("TaskReason", errorClass + " failure of attempt 1");
    return p;
  }

  private static Map<String, Object> transition(
      UUID id, String from, String to, String extra, Object value) {
    Map<String, Object> p = new HashMap<>();
    p.put("TaskId", id.toString());
    p.put("TaskFromStatus", from);
    p.put("TaskToStatus", to);
    p.put("TaskNode", "n1");
    p.put("TaskNow", NOW);
    p.put("TaskReason", from + " to " + to);
    p.put(extra, value);
    return p;
  }

  private void open(String dialect) throws SQLException {
    c = MigratedStores.open(dialect, "errclass");
  }

  /** A pending task, then acquired (attempt 1, fence 1): two history rows. */
  private UUID insertRunning() throws SQLException {
    UUID id = UUID.randomUUID();
    exec(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, created_at, updated_at) VALUES (?, 't', 'g', '{}', 'pending', 4, 0,"
            + " 3, ?, ?)",
        id,
        NOW,
        NOW);
    exec(
        "UPDATE tasks SET status = 'running', attempts = 1, fence = 1, owner = 'n1',"
            + " lease_until = ? WHERE id = ?",
        Timestamp.from(NOW.toInstant().plusSeconds(60)),
        id);
    return id;
  }

  private void exec(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] == null) {
          ps.setNull(i + 1, Types.VARCHAR);
        } else {
          ps.setObject(i + 1, args[i]);
        }
      }
      ps.executeUpdate();
    }
  }

  /** "from->to:error_class" per history row, oldest first. */
  private List<String> history(UUID id) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT from_status, to_status, error_class FROM task_history WHERE task_id = ?"
                + " ORDER BY id")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(rs.getString(1) + "->" + rs.getString(2) + ":" + rs.getString(3));
        }
      }
    }
    return rows;
  }

  private String column(UUID id, String column) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + column + " FROM tasks WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** Runs an SQL file as camel-sql does: comment lines dropped, {@code :#Name} bound by name. */
  private int update(String file, Map<String, Object> params) throws Exception {
    String sql = read(file);
    List<String> names = new ArrayList<>();
    Matcher m = PARAM.matcher(sql);
    StringBuilder jdbcSql = new StringBuilder();
    while (m.find()) {
      names.add(m.group(1));
      m.appendReplacement(jdbcSql, "?");
    }
    m.appendTail(jdbcSql);
    try (PreparedStatement ps = c.prepareStatement(jdbcSql.toString())) {
      for (int i = 0; i < names.size(); i++) {
        if (!params.containsKey(names.get(i))) {
          throw new IllegalArgumentException("No value for :#" + names.get(i));
        }
        Object value = params.get(names.get(i));
        if (value == null) {
          ps.setNull(i + 1, Types.NULL);
        } else {
          ps.setObject(i + 1, value);
        }
      }
      return ps.executeUpdate();
    }
  }

  private static String read(String file) throws IOException {
    try (InputStream in =
        ErrorClassHistorySqlTest.class.getResourceAsStream("/sql/" + file + ".sql")) {
      if (in == null) {
        throw new IllegalArgumentException("No sql/" + file + ".sql");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.lines().filter(l -> !l.startsWith("--")).reduce("", (a, b) -> a + b + "\n");
    }
  }
}
