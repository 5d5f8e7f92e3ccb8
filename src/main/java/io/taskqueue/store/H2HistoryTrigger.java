package io.taskqueue.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import org.h2.tools.TriggerAdapter;

/**
 * H2's twin of the PostgreSQL trigger {@code tasks_record_transition}: one history row per status
 * change, in the transaction of the change.
 */
public class H2HistoryTrigger extends TriggerAdapter {

  private static final String INSERT =
      "INSERT INTO task_history (task_id, from_status, to_status, changed_at, node, reason)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

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
    try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
      ps.setObject(1, newRow.getObject("id"));
      ps.setString(2, from);
      ps.setString(3, to);
      ps.setObject(4, newRow.getObject("updated_at"));
      ps.setString(5, newRow.getString("transition_node"));
      ps.setString(6, newRow.getString("transition_reason"));
      ps.executeUpdate();
    }
  }
}
