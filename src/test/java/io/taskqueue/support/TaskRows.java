package io.taskqueue.support;

import io.taskqueue.task.TaskIds;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Task rows written straight into the store, for tests of the read side that need many tasks in
 * given states without running them. Ids are time-ordered like real ones.
 */
public final class TaskRows {

  private TaskRows() {}

  /** Inserts {@code n} tasks and returns their ids in insertion (= id) order. */
  public static List<String> insert(
      JdbcTemplate jdbc, int n, String type, String group, String status) {
    List<Object[]> rows = new ArrayList<>(n);
    List<String> ids = new ArrayList<>(n);
    Timestamp now = Timestamp.from(Instant.now());
    UUID previous = null;
    for (int i = 0; i < n; i++) {
      UUID id = TaskIds.next();
      // several ids in one millisecond are ordered by their random bits; keep insertion order
      while (outOfOrder(previous, id)) {
        id = TaskIds.next();
      }
      previous = id;
      ids.add(id.toString());
      rows.add(
          new Object[] {
            id,
            type,
            group,
            "{\"n\":" + i + ",\"text\":\"line \\\"" + i + "\\\"\"}",
            status,
            now,
            now
          });
    }
    jdbc.batchUpdate(
        "INSERT INTO tasks (id, type, resource_group, payload, status, priority, attempts,"
            + " max_attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 4, 0, 3, ?, ?)",
        rows);
    return ids;
  }

  /** PostgreSQL compares UUIDs as unsigned bytes; Java's compareTo is signed per half. */
  private static boolean outOfOrder(UUID previous, UUID next) {
    if (previous == null) {
      return false;
    }
    int high =
        Long.compareUnsigned(previous.getMostSignificantBits(), next.getMostSignificantBits());
    return high > 0
        || high == 0
            && Long.compareUnsigned(
                    previous.getLeastSignificantBits(), next.getLeastSignificantBits())
                >= 0;
  }
}
