package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.config.NodeIdentity;
import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.support.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link FlowSupport#now()} follows the database clock on both databases, whatever the local clock
 * says: the offset is measured, and a skewed local clock is measured away.
 */
class DatabaseClockOffsetTest {

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void nowIsTheDatabaseTimeEvenWithASkewedLocalClock(String db) throws Exception {
    DataSource dataSource = dataSource(db);
    TaskQueueProperties properties = new TaskQueueProperties();
    FlowSupport flow = new FlowSupport(new NodeIdentity(properties), properties, dataSource);
    try {
      assertThat(Duration.between(databaseNow(dataSource), flow.now()).abs())
          .isLessThan(Duration.ofMillis(500));
      flow.useLocalClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5)));
      assertThat(flow.databaseClockOffset())
          .isBetween(Duration.ofSeconds(299), Duration.ofSeconds(301));
      assertThat(Duration.between(databaseNow(dataSource), flow.now()).abs())
          .isLessThan(Duration.ofMillis(500));
    } finally {
      flow.stopSampling();
    }
  }

  private static DataSource dataSource(String db) {
    if (db.equals("h2")) {
      JdbcDataSource h2 = new JdbcDataSource();
      h2.setURL("jdbc:h2:mem:clock;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
      return h2;
    }
    TestDatabase.requirePostgres();
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(TestDatabase.url());
    pg.setUser(TestDatabase.user());
    pg.setPassword(TestDatabase.password());
    return pg;
  }

  private static Instant databaseNow(DataSource dataSource) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }
}
