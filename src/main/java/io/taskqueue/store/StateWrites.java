package io.taskqueue.store;

import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The table of state writes ({@link StateWrite}), checked against the SQL files when the
 * application starts, and the one place that names their endpoints.
 *
 * <p>The application refuses to start, naming the entry, when an entry's file is missing for this
 * database, binds other parameters than the entry declares, or declares a transition {@link
 * TaskStatus} does not allow; and when a {@code sql/**.sql} file writes the {@code tasks} table
 * ({@code INSERT INTO}, {@code MERGE INTO}, {@code UPDATE}, {@code DELETE FROM}) but no entry
 * declares it.
 *
 * <pre>{@code
 * from("direct:cancel")
 *     .process(StateWrite.CANCEL.transition())
 *     .to(writes.uri(StateWrite.CANCEL));
 * // many tasks in one JDBC batch: the body is a list of parameter maps
 * .to(writes.uri(StateWrite.COMPLETE, "batch=true"))
 * }</pre>
 */
@Component
public class StateWrites {

  /** Camel's named parameters: {@code :#Name}, {@code :#in:Name}, {@code :#${expression}}. */
  private static final Pattern PARAMETER = Pattern.compile(":#((?:in:)?(?:\\$\\{[^}]*}|\\w+))");

  /** A statement that writes the tasks table. */
  private static final Pattern WRITES_TASKS =
      Pattern.compile(
          "\\b(INSERT\\s+INTO|MERGE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(?:\\w+\\.)?\"?tasks\"?(?![\\w\"])",
          Pattern.CASE_INSENSITIVE);

  /**
   * One entry of the table as the check reads it ({@link StateWrite#declaration()}); a record, so
   * the check can be tested with entries the enum does not have.
   */
  public record Declaration(
      String name,
      String file,
      StateWrite.Where where,
      TaskStatus from,
      TaskStatus to,
      Set<String> parameters) {

    public String path(String dialect) {
      return "sql/" + (where == StateWrite.Where.PER_DIALECT ? dialect + "/" : "") + file + ".sql";
    }
  }

  /** A portable file of the table that marks the application's own {@code sql/} folder. */
  private static final String ANCHOR = StateWrite.CANCEL.path("");

  private final StoreDialect dialect;

  /** Per write, the {@code ?} its statement has once camel-sql expanded it; absent when varying. */
  private final Map<StateWrite, Integer> placeholders = new java.util.EnumMap<>(StateWrite.class);

  public StateWrites(StoreDialect dialect) {
    this.dialect = dialect;
    Map<String, String> files = classpathSqlFiles();
    check(
        Arrays.stream(StateWrite.values()).map(StateWrite::declaration).toList(),
        dialect.name(),
        files);
    for (StateWrite write : StateWrite.values()) {
      int count = placeholdersOf(files.get(write.path(dialect.name())));
      if (count > 0) {
        placeholders.put(write, count);
      }
    }
  }

  /**
   * The {@code ?} a statement has after camel-sql replaced its named parameters, one per {@code
   * :#Name}; -1 when a parameter expands to a varying number ({@code :#in:Names}) or is an
   * expression.
   */
  static int placeholdersOf(String sql) {
    if (sql == null) {
      return -1;
    }
    int count = 0;
    Matcher m = PARAMETER.matcher(statement(sql));
    while (m.find()) {
      if (m.group(1).startsWith("in:") || m.group(1).startsWith("${")) {
        return -1;
      }
      count++;
    }
    return count;
  }

  /**
   * The {@code sql:} endpoint of a write on this database, e.g. {@code sql:classpath:sql/x.sql}.
   */
  public String uri(StateWrite write) {
    return uri(write, "");
  }

  /**
   * The {@code sql:} endpoint of a write with camel-sql options, e.g. {@code
   * uri(StateWrite.COMPLETE, "batch=true")} (the body is then a list of parameter maps, one
   * statement each, one JDBC batch) or {@code uri(StateWrite.ACQUIRE,
   * "outputType=SelectOne&outputHeader=TaskAcquired")}.
   */
  public String uri(StateWrite write, String options) {
    // camel-sql otherwise asks the database for the statement's parameter count on every
    // execution (getParameterMetaData: a round trip to PostgreSQL each time)
    Integer count = placeholders.get(write);
    if (count != null && !options.contains("parametersCount=")) {
      options = (options.isEmpty() ? "" : options + "&") + "parametersCount=" + count;
    }
    return write.where() == StateWrite.Where.PER_DIALECT
        ? dialect.dialectSql(write.file(), options)
        : StoreDialect.sql(write.file(), options);
  }

  /** The SQL file of a write on this database, e.g. {@code sql/postgresql/acquire.sql}. */
  public String path(StateWrite write) {
    return write.path(dialect.name());
  }

  /**
   * Checks the table against the SQL files ({@code sql/...} path to text).
   *
   * @throws StateWriteTableException listing every problem, each naming its entry or file
   */
  public static void check(
      Collection<Declaration> table, String dialect, Map<String, String> sqlFiles) {
    List<String> problems = problems(table, dialect, sqlFiles);
    if (!problems.isEmpty()) {
      throw new StateWriteTableException(
          "The table of state writes (io.taskqueue.store.StateWrite) does not match the SQL files"
              + " (database "
              + dialect
              + "):\n - "
              + String.join("\n - ", problems));
    }
  }

  /** Every mismatch between the table and the files, as sentences; empty when they agree. */
  public static List<String> problems(
      Collection<Declaration> table, String dialect, Map<String, String> sqlFiles) {
    List<String> problems = new ArrayList<>();
    for (Declaration entry : table) {
      String path = entry.path(dialect);
      String what = "StateWrite." + entry.name() + " (" + path + "): ";
      checkTransition(entry, what, problems);
      String sql = sqlFiles.get(path);
      if (sql == null) {
        problems.add(
            what
                + "the file is missing"
                + (entry.where() == StateWrite.Where.PER_DIALECT
                    ? " for this database (" + dialect + "); every database needs its own"
                    : "")
                + ". Add it, or correct the entry's file name");
        continue;
      }
      Set<String> bound = parametersOf(sql);
      if (!bound.equals(entry.parameters())) {
        problems.add(
            what
                + "the file binds "
                + bound
                + " but the entry declares "
                + new TreeSet<>(entry.parameters())
                + difference(" (not declared: ", bound, entry.parameters())
                + difference(" (declared, not in the file: ", entry.parameters(), bound)
                + ". Make the entry list exactly the file's parameters");
      }
      checkStatusParameters(entry, sql, bound, what, problems);
    }
    for (Map.Entry<String, String> file : new TreeMap<>(sqlFiles).entrySet()) {
      Matcher write = WRITES_TASKS.matcher(statement(file.getValue()));
      if (write.find() && !declared(file.getKey(), table)) {
        problems.add(undeclared(file.getKey(), write.group().replaceAll("\\s+", " "), file));
      }
    }
    return problems;
  }

  private static void checkTransition(Declaration entry, String what, List<String> problems) {
    TaskStatus from = entry.from();
    TaskStatus to = entry.to();
    if (to == null && from != null) {
      problems.add(what + "declares a source state (" + from.dbValue() + ") but no target");
    } else if (from == null && to != null && to != TaskStatus.INITIAL) {
      problems.add(
          what
              + "(none) -> "
              + to.dbValue()
              + " is not a transition TaskStatus allows: a new task starts "
              + TaskStatus.INITIAL.dbValue());
    } else if (from != null && !from.canMoveTo(to)) {
      problems.add(
          what
              + from.dbValue()
              + " -> "
              + to.dbValue()
              + " is not a transition TaskStatus allows ("
              + from.dbValue()
              + " may become "
              + (from.targets().isEmpty()
                  ? "nothing"
                  : from.targets().stream()
                      .map(TaskStatus::dbValue)
                      .sorted()
                      .collect(Collectors.joining(", ")))
              + ")");
    }
  }

  /**
   * A transition writes the state it declares ({@code :#TaskToStatus}, set by its {@link
   * io.taskqueue.task.Transition} step) and guards on its source ({@code :#TaskFromStatus}, or the
   * source as a literal {@code status = '<from>'}); a write that changes no status binds neither.
   */
  private static void checkStatusParameters(
      Declaration entry, String sql, Set<String> bound, String what, List<String> problems) {
    if (entry.to() == null) {
      for (String p : List.of(TaskConstants.FROM_STATUS, TaskConstants.TO_STATUS)) {
        if (bound.contains(p)) {
          problems.add(
              what
                  + "binds :#"
                  + p
                  + " but declares no transition: declare its from and to states");
        }
      }
      return;
    }
    if (!bound.contains(TaskConstants.TO_STATUS)) {
      problems.add(
          what
              + "declares "
              + entry.to().dbValue()
              + " as its target but does not bind :#"
              + TaskConstants.TO_STATUS
              + " (SET status = :#"
              + TaskConstants.TO_STATUS
              + ")");
    }
    if (entry.from() != null
        && !bound.contains(TaskConstants.FROM_STATUS)
        && !Pattern.compile("status\\s*=\\s*'" + entry.from().dbValue() + "'")
            .matcher(statement(sql))
            .find()) {
      problems.add(
          what
              + "declares "
              + entry.from().dbValue()
              + " as its source but neither binds :#"
              + TaskConstants.FROM_STATUS
              + " nor guards on status = '"
              + entry.from().dbValue()
              + "'");
    }
  }

  private static String undeclared(String path, String write, Map.Entry<String, String> file) {
    String[] parts = path.substring("sql/".length(), path.length() - ".sql".length()).split("/");
    boolean perDialect = parts.length > 1;
    String name = parts[parts.length - 1];
    String constant = name.toUpperCase().replaceAll("[^A-Z0-9]+", "_");
    String params =
        parametersOf(file.getValue()).stream()
            .map(p -> "\"" + p + "\"")
            .collect(Collectors.joining(", "));
    return path
        + " writes the tasks table ("
        + write
        + ") but no entry of the enum io.taskqueue.store.StateWrite declares it. Every statement"
        + " that writes tasks must be declared: add "
        + constant
        + "(\""
        + name
        + "\", Where."
        + (perDialect ? "PER_DIALECT" : "PORTABLE")
        + ", <from state or null>, <to state, or null when no status changes>"
        + (params.isEmpty() ? "" : ", " + params)
        + ") to StateWrite (the states are checked against TaskStatus' transitions, the"
        + " parameters against the file), then run it in a route with .process(StateWrite."
        + constant
        + ".transition()) and .to(stateWrites.uri(StateWrite."
        + constant
        + "))";
  }

  private static boolean declared(String path, Collection<Declaration> table) {
    String[] parts = path.substring("sql/".length(), path.length() - ".sql".length()).split("/");
    String name = parts[parts.length - 1];
    StateWrite.Where where =
        parts.length > 1 ? StateWrite.Where.PER_DIALECT : StateWrite.Where.PORTABLE;
    return parts.length <= 2
        && table.stream().anyMatch(d -> d.where() == where && d.file().equals(name));
  }

  private static String difference(String label, Set<String> a, Set<String> b) {
    Set<String> only = new TreeSet<>(a);
    only.removeAll(b);
    return only.isEmpty() ? "" : label + only + ")";
  }

  /** The parameters a statement binds: {@code TaskId}, {@code in:TaskIds}, ... */
  public static Set<String> parametersOf(String sql) {
    Set<String> names = new TreeSet<>();
    Matcher m = PARAMETER.matcher(statement(sql));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The statement as camel-sql runs it: without the lines that are comments. */
  static String statement(String sql) {
    return Arrays.stream(sql.split("\n"))
        .filter(line -> !line.trim().startsWith("--"))
        .collect(Collectors.joining("\n"));
  }

  /** Every {@code sql/**.sql} of the application: path ({@code sql/h2/acquire.sql}) to text. */
  static Map<String, String> classpathSqlFiles() {
    Map<String, String> files = new TreeMap<>();
    try {
      // the application's own folder (where cancel.sql is), not every jar's sql/ folder
      var anchor = StateWrites.class.getClassLoader().getResource(ANCHOR);
      if (anchor == null) {
        return files;
      }
      String root = anchor.toString();
      root = root.substring(0, root.lastIndexOf('/') + 1);
      for (Resource r : new PathMatchingResourcePatternResolver().getResources(root + "**/*.sql")) {
        String url = r.getURL().toString();
        String path = url.substring(url.lastIndexOf("/sql/") + 1);
        try (InputStream in = r.getInputStream()) {
          files.put(path, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the SQL files under sql/: " + e, e);
    }
    return files;
  }

  /** The table and the SQL files disagree; the message names every entry or file at fault. */
  public static class StateWriteTableException extends IllegalStateException {
    public StateWriteTableException(String message) {
      super(message);
    }
  }
}
