package io.taskqueue.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The read side of the store for the API. It never writes: every state change goes through the flow
 * routes. Values are in API shape: camelCase keys, timestamps as ISO-8601 UTC strings, payload and
 * result as raw JSON text (see {@link RawJson}).
 */
@Component
public class TaskReader {

  static final String TASK_COLUMNS =
      "id, type, resource_group, status, priority, attempts, max_attempts, payload, result,"
          + " last_error, error_class, run_at, idempotency_key, created_at, updated_at";

  private final JdbcTemplate jdbc;

  public TaskReader(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Optional<Map<String, Object>> find(UUID id) {
    List<Map<String, Object>> rows =
        jdbc.query("SELECT " + TASK_COLUMNS + " FROM tasks WHERE id = ?", (rs, n) -> task(rs), id);
    return rows.stream().findFirst();
  }

  /**
   * One page of tasks matching the filter, newest first (ids are time-ordered UUIDv7), starting
   * after {@code before} (exclusive) when it is given.
   */
  public List<Map<String, Object>> list(TaskFilter filter, UUID before, int limit) {
    List<Object> args = new ArrayList<>();
    StringBuilder sql =
        new StringBuilder("SELECT ")
            .append(TASK_COLUMNS)
            .append(" FROM tasks")
            .append(filter.where(args));
    if (before != null) {
      sql.append(args.isEmpty() ? " WHERE" : " AND").append(" id < ?");
      args.add(before);
    }
    sql.append(" ORDER BY id DESC LIMIT ?");
    args.add(limit);
    return jdbc.query(sql.toString(), (rs, n) -> task(rs), args.toArray());
  }

  /** The number of tasks of each status, per resource group: {@code group -> status -> count}. */
  public Map<String, Map<String, Long>> countsByGroup() {
    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    jdbc.query(
        "SELECT resource_group, status, COUNT(*) AS n FROM tasks GROUP BY resource_group, status",
        rs -> {
          counts
              .computeIfAbsent(rs.getString("resource_group"), g -> new LinkedHashMap<>())
              .put(rs.getString("status"), rs.getLong("n"));
        });
    return counts;
  }

  /** The task's transitions, oldest first. */
  public List<Map<String, Object>> history(UUID id) {
    return jdbc.query(
        "SELECT from_status, to_status, changed_at, node, reason, error_class FROM task_history"
            + " WHERE task_id = ? ORDER BY id",
        (rs, n) -> {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("from", rs.getString("from_status"));
          row.put("to", rs.getString("to_status"));
          row.put("at", iso(rs, "changed_at"));
          row.put("node", rs.getString("node"));
          row.put("reason", rs.getString("reason"));
          row.put("errorClass", rs.getString("error_class"));
          return row;
        },
        id);
  }

  /** Maps a row selected with {@link #TASK_COLUMNS} to the API's task object. */
  public static Map<String, Object> task(ResultSet rs) throws SQLException {
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("id", rs.getObject("id").toString());
    task.put("type", rs.getString("type"));
    task.put("group", rs.getString("resource_group"));
    task.put("status", rs.getString("status"));
    task.put("priority", rs.getInt("priority"));
    task.put("attempts", rs.getInt("attempts"));
    task.put("maxAttempts", rs.getInt("max_attempts"));
    task.put("payload", RawJson.of(rs.getString("payload")));
    task.put("result", RawJson.of(rs.getString("result")));
    task.put("error", rs.getString("last_error"));
    task.put("errorClass", rs.getString("error_class"));
    task.put("runAt", iso(rs, "run_at"));
    task.put("idempotencyKey", rs.getString("idempotency_key"));
    task.put("createdAt", iso(rs, "created_at"));
    task.put("updatedAt", iso(rs, "updated_at"));
    return task;
  }

  static String iso(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant().toString();
  }
}
