package io.taskqueue.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.h2.tools.TriggerAdapter;

/**
 * H2's twin of the PostgreSQL trigger {@code tasks_record_transition}: one history row per status
 * change, in the transaction of the change. The row's {@code error_class} is the task's for a
 * transition to {@code failed}, and for one to {@code completed} that has a reason (a business
 * failure completed with an error result); NULL otherwise (and before migration V5 added it).
 */
public class H2HistoryTrigger extends TriggerAdapter {

  private static final String INSERT =
      "INSERT INTO task_history (task_id, from_status, to_status, changed_at, node, reason)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  private static final String INSERT_WITH_CLASS =
      "INSERT INTO task_history"
          + " (task_id, from_status, to_status, changed_at, node, reason, error_class)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)";

  @Override
  public void fire(Connection conn, ResultSet oldRow, ResultSet newRow) throws SQLException {
    if (newRow == null) {
      return; // a delete: history rows go with the task (ON DELETE CASCADE)
    }
    String from = oldRow == null ? null : oldRow.getString("status");
    String to = newRow.getString("status");
    if (oldRow != null && Objects.equals(from, to)) {
      return;
    }
    String reason = newRow.getString("transition_reason");
    String errorClass = null;
    if (oldRow != null
        && ("failed".equals(to) || ("completed".equals(to) && reason != null))
        && hasColumn(newRow, "error_class")) {
      errorClass = newRow.getString("error_class");
    }
    try (PreparedStatement ps =
        conn.prepareStatement(errorClass == null ? INSERT : INSERT_WITH_CLASS)) {
      ps.setObject(1, newRow.getObject("id"));
      ps.setString(2, from);
      ps.setString(3, to);
      ps.setObject(4, newRow.getObject("updated_at"));
      ps.setString(5, newRow.getString("transition_node"));
      ps.setString(6, reason);
      if (errorClass != null) {
        ps.setString(7, errorClass);
      }
      ps.executeUpdate();
    }
  }

  private static boolean hasColumn(ResultSet row, String column) {
    try {
      row.findColumn(column);
      return true;
    } catch (SQLException e) {
      return false; // a trigger of a table from before migration V5
    }
  }
}
