package io.taskqueue.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.AppProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scenario counted, from the database (every task whose payload carries the scenario's tag)
 * and the API (every accepted id read back):
 *
 * <ul>
 *   <li>accepted: enqueue requests answered 202/200; refused: given up after retries;
 *   <li>lost: accepted ids the API and the database do not know;
 *   <li>completedTwice: tasks with more than one {@code running -> completed} history row;
 *   <li>reruns: {@code -> running} transitions beyond the first that no recorded retry ({@code
 *       failed -> pending}, a redrive {@code dead_letter -> pending}, or an attempt an open circuit
 *       postponed before its handler ran) explains, i.e. an attempt started again after a lease
 *       rescue;
 *   <li>postponed: attempts an open circuit gave back ({@code running -> pending}, reason {@code
 *       circuit of group ...}) before their handler ran;
 *   <li>stuck: tasks not in a final state (completed, dead_letter, cancelled) at the drain
 *       deadline;
 *   <li>overMax: tasks with more attempts than their maxAttempts.
 * </ul>
 */
record Tally(
    String scenario,
    int accepted,
    int refused,
    int tasks,
    int lost,
    int completedTwice,
    int reruns,
    int stuck,
    int completed,
    int deadLetter,
    int overMax,
    int maxAttemptsSeen,
    Duration took,
    String note) {

  static final Set<String> FINAL = Set.of("completed", "dead_letter", "cancelled");

  /** The tasks of a scenario: id, status, attempts, max_attempts and history counts. */
  static final String ROWS =
      "SELECT t.id::text AS id, t.status, t.attempts, t.max_attempts,"
          + " (SELECT COUNT(*) FROM task_history h WHERE h.task_id = t.id"
          + "   AND h.from_status = 'running' AND h.to_status = 'completed') AS completions,"
          + " (SELECT COUNT(*) FROM task_history h WHERE h.task_id = t.id"
          + "   AND h.to_status = 'running') AS runs,"
          + " (SELECT COUNT(*) FROM task_history h WHERE h.task_id = t.id"
          + "   AND h.from_status IN ('failed', 'dead_letter') AND h.to_status = 'pending')"
          + "   AS retries,"
          + " (SELECT COUNT(*) FROM task_history h WHERE h.task_id = t.id"
          + "   AND h.from_status = 'running' AND h.to_status = 'pending'"
          + "   AND h.reason LIKE 'circuit of group %') AS postponed"
          + " FROM tasks t WHERE t.payload::jsonb ->> 'scn' = ?";

  static List<Map<String, Object>> rows(Cluster cluster, String tag) throws SQLException {
    return cluster.query(ROWS, tag);
  }

  /** True once every task of the scenario is in a final state. */
  static boolean drained(Cluster cluster, String tag) throws SQLException {
    List<Map<String, Object>> rows =
        cluster.query(
            "SELECT COUNT(*) AS open FROM tasks WHERE payload::jsonb ->> 'scn' = ?"
                + " AND status NOT IN ('completed', 'dead_letter', 'cancelled')",
            tag);
    return ((Number) rows.get(0).get("open")).longValue() == 0;
  }

  static Tally count(
      Cluster cluster,
      String scenario,
      String tag,
      List<String> acceptedIds,
      int refused,
      Duration took,
      String note)
      throws SQLException {
    List<Map<String, Object>> rows = rows(cluster, tag);
    Map<String, Map<String, Object>> byId = new HashMap<>();
    int completedTwice = 0;
    int reruns = 0;
    int postponed = 0;
    int stuck = 0;
    int completed = 0;
    int deadLetter = 0;
    int overMax = 0;
    int maxAttempts = 0;
    for (Map<String, Object> row : rows) {
      byId.put((String) row.get("id"), row);
      String status = (String) row.get("status");
      int attempts = ((Number) row.get("attempts")).intValue();
      long runs = ((Number) row.get("runs")).longValue();
      long retries = ((Number) row.get("retries")).longValue();
      completedTwice += ((Number) row.get("completions")).longValue() > 1 ? 1 : 0;
      long postponedHere = ((Number) row.get("postponed")).longValue();
      postponed += (int) postponedHere;
      reruns += (int) Math.max(0, runs - 1 - retries - postponedHere);
      stuck += FINAL.contains(status) ? 0 : 1;
      completed += "completed".equals(status) ? 1 : 0;
      deadLetter += "dead_letter".equals(status) ? 1 : 0;
      overMax += attempts > ((Number) row.get("max_attempts")).intValue() ? 1 : 0;
      maxAttempts = Math.max(maxAttempts, attempts);
    }
    int lost = 0;
    AppProcess api = cluster.anyUp();
    for (String id : acceptedIds) {
      JsonNode task = api.task(id);
      if (task == null && !byId.containsKey(id)) {
        lost++;
      } else if (task != null
          && byId.containsKey(id)
          && !task.get("status").asText().equals(byId.get(id).get("status"))
          && FINAL.contains(task.get("status").asText())) {
        // the API and the database disagree on a final state: count it as stuck to look at
        stuck++;
      }
    }
    return new Tally(
        scenario,
        acceptedIds.size(),
        refused,
        rows.size(),
        lost,
        completedTwice,
        reruns,
        stuck,
        completed,
        deadLetter,
        overMax,
        maxAttempts,
        took,
        postponed == 0
            ? note
            : ((note == null || note.isEmpty() ? "" : note + " ") + "postponed=" + postponed));
  }

  /** The task ids of a scenario, for a closer look when an assertion fails. */
  static List<String> offenders(Cluster cluster, String tag) throws SQLException {
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> row : rows(cluster, tag)) {
      long runs = ((Number) row.get("runs")).longValue();
      long retries =
          ((Number) row.get("retries")).longValue() + ((Number) row.get("postponed")).longValue();
      if (!FINAL.contains(row.get("status"))
          || ((Number) row.get("completions")).longValue() > 1
          || runs - 1 - retries > 0) {
        ids.add(
            row.get("id")
                + " "
                + row.get("status")
                + " attempts="
                + row.get("attempts")
                + " runs="
                + runs
                + " retries="
                + retries);
      }
      if (ids.size() >= 10) {
        break;
      }
    }
    return ids;
  }

  String line() {
    return String.format(
        "scenario=%s accepted=%d refused=%d tasks=%d lost=%d completedTwice=%d reruns=%d stuck=%d"
            + " completed=%d deadLetter=%d overMaxAttempts=%d maxAttemptsSeen=%d duration=%ds%s",
        scenario,
        accepted,
        refused,
        tasks,
        lost,
        completedTwice,
        reruns,
        stuck,
        completed,
        deadLetter,
        overMax,
        maxAttemptsSeen,
        took.toSeconds(),
        note == null || note.isEmpty() ? "" : " " + note);
  }

  /** Prints the line and appends it to {@code target/fault-suite/summary.txt}. */
  Tally report(Path summary, String profile) throws IOException {
    String line = "[fault-suite " + profile + "] " + line();
    System.out.println(line);
    Files.createDirectories(summary.getParent());
    Files.writeString(
        summary,
        line + System.lineSeparator(),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return this;
  }
}
