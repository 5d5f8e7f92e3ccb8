package io.taskqueue.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The PostgreSQL the suite needs; a clear failure, never a silent skip, when it is not there. */
public final class TestDatabase {

  private TestDatabase() {}

  public static String url() {
    String env = System.getenv("TASKQUEUE_TEST_DB_URL");
    if (env != null && !env.isBlank()) {
      return env;
    }
    return System.getProperty("taskqueue.test.db-url", "jdbc:postgresql://127.0.0.1:5432/test");
  }

  public static String user() {
    String env = System.getenv("TASKQUEUE_TEST_DB_USER");
    return env == null || env.isBlank() ? "postgres" : env;
  }

  public static String password() {
    String env = System.getenv("TASKQUEUE_TEST_DB_PASSWORD");
    return env == null ? "" : env;
  }

  /** Fails with instructions when PostgreSQL cannot be reached. */
  public static void requirePostgres() {
    try (Connection c = DriverManager.getConnection(url(), user(), password())) {
      c.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "The tests need PostgreSQL at "
              + url()
              + " (user "
              + user()
              + ") but it is not reachable: "
              + e.getMessage()
              + ". Start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start`, or point"
              + " TASKQUEUE_TEST_DB_URL / TASKQUEUE_TEST_DB_USER / TASKQUEUE_TEST_DB_PASSWORD at"
              + " another one.",
          e);
    }
  }
}
