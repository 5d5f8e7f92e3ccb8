package io.taskqueue.store;

import java.util.List;

/**
 * The filters of a task listing or export; a null field does not filter. Values are bound as
 * parameters, never pasted into the SQL text.
 */
public record TaskFilter(String status, String group, String type) {

  /** {@code " WHERE ..."} for the fields that are set (empty when none is), adding their values. */
  String where(List<Object> args) {
    StringBuilder where = new StringBuilder();
    condition(where, args, "status", status);
    condition(where, args, "resource_group", group);
    condition(where, args, "type", type);
    return where.toString();
  }

  private static void condition(
      StringBuilder where, List<Object> args, String column, String value) {
    if (value != null) {
      where.append(where.isEmpty() ? " WHERE " : " AND ").append(column).append(" = ?");
      args.add(value);
    }
  }
}
