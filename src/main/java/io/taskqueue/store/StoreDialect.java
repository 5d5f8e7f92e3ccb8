package io.taskqueue.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * The database the store runs on. Nearly all SQL in {@code src/main/resources/sql/} is portable;
 * the few statements that differ live in {@code sql/<dialect>/}.
 */
@Component
public class StoreDialect {

  private final String name;

  public StoreDialect(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      String product = c.getMetaData().getDatabaseProductName().toLowerCase();
      if (product.contains("postgres")) {
        name = "postgresql";
      } else if (product.contains("h2")) {
        name = "h2";
      } else {
        throw new IllegalStateException(
            "Unsupported database '"
                + product
                + "': use PostgreSQL, or H2 for the embedded default");
      }
    }
  }

  /** {@code postgresql} or {@code h2}. */
  public String name() {
    return name;
  }

  public boolean isPostgres() {
    return "postgresql".equals(name);
  }

  /** A {@code sql:} endpoint running a portable statement from {@code sql/<file>.sql}. */
  public static String sql(String file, String options) {
    return "sql:classpath:sql/" + file + ".sql" + (options.isEmpty() ? "" : "?" + options);
  }

  /**
   * A {@code sql:} endpoint running this database's version of {@code sql/<dialect>/<file>.sql}.
   */
  public String dialectSql(String file, String options) {
    return sql(name + "/" + file, options);
  }
}
