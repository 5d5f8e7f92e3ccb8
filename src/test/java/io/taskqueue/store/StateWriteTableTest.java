package io.taskqueue.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.taskqueue.store.StateWrites.Declaration;
import io.taskqueue.store.StateWrites.StateWriteTableException;
import io.taskqueue.task.TaskStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The start-up check of the table of state writes: the shipped table agrees with the shipped SQL
 * files on every database, and each kind of disagreement refuses, naming the entry or the file.
 */
class StateWriteTableTest {

  private static final Map<String, String> FILES = StateWrites.classpathSqlFiles();

  private static List<Declaration> table() {
    return new ArrayList<>(
        Arrays.stream(StateWrite.values()).map(StateWrite::declaration).toList());
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "h2"})
  void theShippedTableMatchesTheShippedFiles(String dialect) {
    assertThat(FILES).containsKeys("sql/cancel.sql", "sql/" + dialect + "/acquire.sql");
    assertThat(StateWrites.problems(table(), dialect, FILES)).isEmpty();
  }

  @Test
  void everyFileThatWritesTasksIsDeclaredAndNoReadIs() {
    assertThat(StateWrite.REDRIVE.parameters())
        .containsExactly(
            "TaskFromStatus", "TaskId", "TaskNode", "TaskNow", "TaskReason", "TaskToStatus");
    // reads and the metrics prune are not state writes
    Set<String> declared = new TreeSet<>();
    for (StateWrite w : StateWrite.values()) {
      declared.add(w.path("postgresql"));
      declared.add(w.path("h2"));
    }
    assertThat(declared)
        .doesNotContain(
            "sql/task_status.sql",
            "sql/unpublished.sql",
            "sql/spent_leases.sql",
            "sql/prune_metrics.sql");
  }

  @Test
  void aWrongParameterListRefusesNamingTheEntry() {
    List<Declaration> table = replace(table(), "CANCEL", params("TaskId", "TaskNode", "TaskNow"));

    assertThatThrownBy(() -> StateWrites.check(table, "postgresql", FILES))
        .isInstanceOf(StateWriteTableException.class)
        .hasMessageContaining("StateWrite.CANCEL (sql/cancel.sql): the file binds")
        .hasMessageContaining("(not declared: [TaskFromStatus, TaskReason, TaskToStatus])")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("StateWrite.REDRIVE"));
  }

  @Test
  void aParameterTheFileLacksRefusesToo() {
    Map<String, String> files = new TreeMap<>(FILES);
    files.put(
        "sql/cancel.sql",
        FILES
            .get("sql/cancel.sql")
            .replace("transition_reason = :#TaskReason", "transition_reason = NULL"));

    assertThat(StateWrites.problems(table(), "h2", files))
        .singleElement()
        .asString()
        .startsWith("StateWrite.CANCEL (sql/cancel.sql)")
        .contains("(declared, not in the file: [TaskReason])");
  }

  @Test
  void aFileMissingForThisDatabaseRefusesNamingTheEntry() {
    Map<String, String> files = new TreeMap<>(FILES);
    files.remove("sql/postgresql/archive.sql");

    assertThatThrownBy(() -> StateWrites.check(table(), "postgresql", files))
        .hasMessageContaining(
            "StateWrite.ARCHIVE_COMPLETED (sql/postgresql/archive.sql): the file is missing for"
                + " this database (postgresql)")
        .hasMessageContaining("StateWrite.ARCHIVE_CANCELLED (sql/postgresql/archive.sql)");
    // the other database still has its own
    assertThat(StateWrites.problems(table(), "h2", files)).isEmpty();
  }

  @Test
  void anIllegalTransitionRefusesNamingTheEntry() {
    List<Declaration> table = table();
    Declaration redrive = find(table, "REDRIVE");
    table.set(
        table.indexOf(redrive),
        new Declaration(
            "REDRIVE",
            redrive.file(),
            redrive.where(),
            TaskStatus.COMPLETED,
            TaskStatus.PENDING,
            redrive.parameters()));

    assertThatThrownBy(() -> StateWrites.check(table, "postgresql", FILES))
        .hasMessageContaining(
            "StateWrite.REDRIVE (sql/redrive.sql): completed -> pending is not a transition"
                + " TaskStatus allows (completed may become archived)");
  }

  @Test
  void aNewTaskMustStartPending() {
    List<Declaration> table = table();
    Declaration insert = find(table, "INSERT_TASK");
    table.set(
        table.indexOf(insert),
        new Declaration(
            "INSERT_TASK",
            insert.file(),
            insert.where(),
            null,
            TaskStatus.RUNNING,
            insert.parameters()));

    assertThat(StateWrites.problems(table, "h2", FILES))
        .singleElement()
        .asString()
        .contains(
            "StateWrite.INSERT_TASK (sql/insert_task.sql): (none) -> running is not a transition");
  }

  @Test
  void aTransitionMustWriteItsTargetAndAStatusFreeWriteMustNot() {
    List<Declaration> table = table();
    Declaration heartbeat = find(table, "HEARTBEAT");
    table.set(
        table.indexOf(heartbeat),
        new Declaration(
            "HEARTBEAT",
            heartbeat.file(),
            heartbeat.where(),
            TaskStatus.RUNNING,
            TaskStatus.PENDING,
            heartbeat.parameters()));
    Declaration cancel = find(table, "CANCEL");
    table.set(
        table.indexOf(cancel),
        new Declaration("CANCEL", cancel.file(), cancel.where(), null, null, cancel.parameters()));

    assertThat(StateWrites.problems(table, "postgresql", FILES))
        .containsExactlyInAnyOrder(
            "StateWrite.HEARTBEAT (sql/heartbeat.sql): declares pending as its target but does not"
                + " bind :#TaskToStatus (SET status = :#TaskToStatus)",
            "StateWrite.CANCEL (sql/cancel.sql): binds :#TaskFromStatus but declares no"
                + " transition: declare its from and to states",
            "StateWrite.CANCEL (sql/cancel.sql): binds :#TaskToStatus but declares no"
                + " transition: declare its from and to states");
  }

  @Test
  void anUndeclaredFileThatWritesTasksRefusesSayingHowToDeclareIt() {
    Map<String, String> files = new TreeMap<>(FILES);
    files.put(
        "sql/postgresql/acquire_batch.sql",
        "-- pending -> running for many tasks at once\n"
            + "UPDATE tasks SET status = :#TaskToStatus\n"
            + " WHERE id IN (:#in:TaskIds) AND status = :#TaskFromStatus\n");
    // a read or a write of another table needs no entry
    files.put("sql/count_pending.sql", "SELECT COUNT(*) FROM tasks WHERE status = 'pending'");
    files.put("sql/prune_history.sql", "DELETE FROM task_history WHERE changed_at < :#TaskCutoff");

    assertThat(StateWrites.problems(table(), "postgresql", files))
        .singleElement()
        .isEqualTo(
            "sql/postgresql/acquire_batch.sql writes the tasks table (UPDATE tasks) but no entry of"
                + " the enum io.taskqueue.store.StateWrite declares it. Every statement that writes"
                + " tasks must be declared: add ACQUIRE_BATCH(\"acquire_batch\","
                + " Where.PER_DIALECT, <from state or null>, <to state, or null when no status"
                + " changes>, \"TaskFromStatus\", \"TaskToStatus\", \"in:TaskIds\") to StateWrite"
                + " (the states are checked against TaskStatus' transitions, the parameters"
                + " against the file), then run it in a route with"
                + " .process(StateWrite.ACQUIRE_BATCH.transition()) and"
                + " .to(stateWrites.uri(StateWrite.ACQUIRE_BATCH))");
  }

  @Test
  void parametersAreReadAsCamelSqlBindsThemWithoutCommentLines() {
    assertThat(
            StateWrites.parametersOf(
                "-- at most :#TaskLimit rows\nUPDATE tasks SET a = :#TaskNow\n"
                    + " WHERE id IN (:#in:TaskIds) AND b = :#TaskNow"))
        .containsExactly("TaskNow", "in:TaskIds");
  }

  @Test
  void theBeanRefusesToStartOnADatabaseWithoutItsFiles() {
    StoreDialect oracle = mock(StoreDialect.class);
    when(oracle.name()).thenReturn("oracle");

    assertThatThrownBy(() -> new StateWrites(oracle))
        .isInstanceOf(StateWriteTableException.class)
        .hasMessageContaining(
            "StateWrite.ACQUIRE (sql/oracle/acquire.sql): the file is missing for this database"
                + " (oracle)");
  }

  @Test
  void aRefusedStartIsPrintedAsTheListOfProblems() {
    StoreDialect oracle = mock(StoreDialect.class);
    when(oracle.name()).thenReturn("oracle");
    Throwable startup;
    try {
      new StateWrites(oracle);
      throw new AssertionError("the check passed");
    } catch (StateWriteTableException e) {
      startup = new org.springframework.beans.factory.BeanCreationException("stateWrites", e);
    }

    var analysis = new StateWriteTableFailureAnalyzer().analyze(startup);

    assertThat(analysis.getDescription())
        .startsWith("The table of state writes (io.taskqueue.store.StateWrite) does not match")
        .contains(" - StateWrite.ACQUIRE (sql/oracle/acquire.sql)");
    assertThat(analysis.getAction()).contains("io.taskqueue.store.StateWrite");
  }

  @Test
  void endpointsAreNamedByTheTable() {
    StoreDialect postgres = mock(StoreDialect.class);
    when(postgres.name()).thenReturn("postgresql");
    when(postgres.dialectSql("acquire", "outputType=SelectOne"))
        .thenReturn("sql:classpath:sql/postgresql/acquire.sql?outputType=SelectOne");
    StateWrites writes = new StateWrites(postgres);

    // the parameter count is given, so camel-sql does not ask the database for it each time
    assertThat(writes.uri(StateWrite.CANCEL))
        .isEqualTo("sql:classpath:sql/cancel.sql?parametersCount=6");
    assertThat(writes.uri(StateWrite.COMPLETE, "batch=true"))
        .isEqualTo("sql:classpath:sql/complete.sql?batch=true&parametersCount=10");
    // an IN list varies in length: no count

    assertThat(writes.uri(StateWrite.ACQUIRE, "outputType=SelectOne"))
        .isEqualTo("sql:classpath:sql/postgresql/acquire.sql?outputType=SelectOne");
    assertThat(StateWrite.CANCEL.transition()).hasToString("pending -> cancelled");
    assertThat(StateWrite.INSERT_TASK.transition()).hasToString("(none) -> pending");
    assertThatThrownBy(StateWrite.HEARTBEAT::transition)
        .hasMessage("StateWrite.HEARTBEAT changes no status: it has no transition step");
    assertThat(StateWrites.placeholdersOf("-- :#Commented\nUPDATE t SET a = :#A WHERE b = :#A"))
        .isEqualTo(2);
    assertThat(StateWrites.placeholdersOf("UPDATE t SET a = 1 WHERE id IN (:#in:Ids)"))
        .isEqualTo(-1);
  }

  private static Set<String> params(String... names) {
    return new TreeSet<>(List.of(names));
  }

  private static Declaration find(List<Declaration> table, String name) {
    return table.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
  }

  private static List<Declaration> replace(
      List<Declaration> table, String name, Set<String> parameters) {
    Declaration d = find(table, name);
    table.set(
        table.indexOf(d),
        new Declaration(d.name(), d.file(), d.where(), d.from(), d.to(), parameters));
    return table;
  }
}
