package io.taskqueue.support;

import org.springframework.boot.autoconfigure.flyway.FlywayMigrationStrategy;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** The test schema starts empty in every test JVM, then gets the real migrations. */
@TestConfiguration(proxyBeanMethods = false)
public class CleanMigration {

  @Bean
  public FlywayMigrationStrategy cleanThenMigrate() {
    return flyway -> {
      flyway.clean();
      flyway.migrate();
    };
  }
}
