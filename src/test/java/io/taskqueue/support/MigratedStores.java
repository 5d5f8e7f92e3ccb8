package io.taskqueue.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;

/**
 * A connection to a freshly migrated store, for tests of the SQL files themselves: an in-memory H2
 * database in PostgreSQL mode (as the embedded default runs it), or a PostgreSQL schema of its own
 * ({@code <TASKQUEUE_TEST_DB_SCHEMA>_<name>}), emptied, then given the real migrations.
 */
public final class MigratedStores {

  private MigratedStores() {}

  /** {@code dialect} {@code h2} or {@code postgresql}; {@code name} keeps tests apart. */
  public static Connection open(String dialect, String name) throws SQLException {
    if (dialect.equals("h2")) {
      String url =
          "jdbc:h2:mem:"
              + name
              + System.nanoTime()
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
      Flyway.configure()
          .dataSource(url, "sa", "")
          .locations("classpath:db/migration/h2")
          .load()
          .migrate();
      // the in-memory database lives while one connection is open
      return DriverManager.getConnection(url, "sa", "");
    }
    TestDatabase.requirePostgres();
    String schema =
        System.getenv().getOrDefault("TASKQUEUE_TEST_DB_SCHEMA", "tq_test") + "_" + name;
    Flyway flyway =
        Flyway.configure()
            .dataSource(TestDatabase.url(), TestDatabase.user(), TestDatabase.password())
            .schemas(schema)
            .defaultSchema(schema)
            .cleanDisabled(false)
            .locations("classpath:db/migration/postgresql")
            .load();
    flyway.clean();
    flyway.migrate();
    Connection c =
        DriverManager.getConnection(
            TestDatabase.url(), TestDatabase.user(), TestDatabase.password());
    try (Statement s = c.createStatement()) {
      s.execute("SET search_path = " + schema);
    }
    return c;
  }
}
