package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.TaskQueueApplication;
import io.taskqueue.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spring.SpringCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.MetadataReaderFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A graceful stop (what SIGTERM does: the application context closes) with a handler running: it
 * finishes and its outcome is written; past {@code taskqueue.shutdown.grace} the task goes back to
 * pending without spending an attempt, and runs after the restart. Whole applications of their own
 * (schema {@code <test schema>_shutdown}, own broker data), started and stopped here.
 */
class GracefulShutdownTest {

  private static final String SCHEMA =
      System.getenv().getOrDefault("TASKQUEUE_TEST_DB_SCHEMA", "tq_test") + "_shutdown";
  private static JdbcTemplate jdbc;

  @BeforeAll
  static void freshSchema() {
    TestDatabase.requirePostgres();
    DriverManagerDataSource ds =
        new DriverManagerDataSource(
            TestDatabase.url(), TestDatabase.user(), TestDatabase.password());
    jdbc = new JdbcTemplate(ds);
    jdbc.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    ds.setSchema(SCHEMA);
  }

  @AfterAll
  static void dropSchema() {
    jdbc.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
  }

  @Test
  void aRunningHandlerFinishesAndItsOutcomeIsWritten() {
    Path data = Path.of("target/test-data/shutdown-" + UUID.randomUUID());
    ConfigurableApplicationContext app = start(data, "30s");
    String id = enqueue(app, "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":3000}}");
    awaitStatus(id, "running");

    app.close();

    assertThat(status(id)).isEqualTo("completed");
    assertThat(attempts(id)).isEqualTo(1);
    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->completed");
  }

  @Test
  void pastTheGracePeriodTheTaskGoesBackToPendingAndRunsAfterTheRestart() {
    Path data = Path.of("target/test-data/shutdown-" + UUID.randomUUID());
    ConfigurableApplicationContext app = start(data, "1s");
    String id = enqueue(app, "{\"type\":\"demo.sleep\",\"payload\":{\"ms\":6000}}");
    awaitStatus(id, "running");

    app.close();

    assertThat(status(id)).isEqualTo("pending");
    assertThat(attempts(id)).isZero();
    assertThat(transitions(id))
        .containsExactly("null->pending", "pending->running", "running->pending");
    assertThat(
            jdbc.queryForObject(
                "SELECT reason FROM task_history WHERE task_id = CAST(? AS UUID)"
                    + " AND from_status = 'running'",
                String.class,
                id))
        .isEqualTo("shutdown");

    ConfigurableApplicationContext restarted = start(data, "30s");
    try {
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> "completed".equals(status(id)));
      assertThat(attempts(id)).isEqualTo(1);
    } finally {
      restarted.close();
    }
  }

  private static ConfigurableApplicationContext start(Path data, String grace) {
    // left behind by camel-test-spring's listener when other test classes ran in this JVM
    System.clearProperty("skipStartingCamelContext");
    SpringCamelContext.setNoStart(false);
    ConfigurableApplicationContext app = load(data, grace);
    assertThat(app.getBean(CamelContext.class).getRoute("enqueue")).isNotNull();
    return app;
  }

  private static ConfigurableApplicationContext load(Path data, String grace) {
    return new SpringApplicationBuilder(TaskQueueApplication.class)
        .profiles("test")
        // a plain application: the test suite's schema-cleaning configuration must not load
        .initializers(
            ctx ->
                ctx.getBeanFactory()
                    .registerSingleton("skipTestConfigurations", new SkipTestConfigurations()))
        .run(
            "--server.port=0",
            "--taskqueue.data-dir=" + data.toAbsolutePath(),
            "--taskqueue.inbox-dir=" + data.toAbsolutePath().resolve("inbox"),
            "--taskqueue.shutdown.grace=" + grace,
            "--spring.datasource.hikari.schema=" + SCHEMA,
            "--spring.datasource.hikari.maximum-pool-size=6",
            "--spring.flyway.schemas=" + SCHEMA,
            "--spring.flyway.default-schema=" + SCHEMA);
  }

  /** Leaves {@code @TestConfiguration} classes out of the component scan. */
  static class SkipTestConfigurations extends TypeExcludeFilter {
    @Override
    public boolean match(MetadataReader reader, MetadataReaderFactory factory) {
      return reader.getAnnotationMetadata().hasAnnotation(TestConfiguration.class.getName());
    }

    @Override
    public boolean equals(Object obj) {
      return obj != null && obj.getClass() == getClass();
    }

    @Override
    public int hashCode() {
      return getClass().hashCode();
    }
  }

  private static String enqueue(ConfigurableApplicationContext app, String json) {
    org.apache.camel.CamelContext c = app.getBean(org.apache.camel.CamelContext.class);
    System.out.println(
        "GSDEBUG status="
            + c.getStatus()
            + " routes="
            + c.getRoutes().size()
            + " props="
            + System.getProperty("skipStartingCamelContext")
            + " nostart="
            + SpringCamelContext.isNoStart());
    Map<?, ?> reply =
        app.getBean(ProducerTemplate.class).requestBody("direct:enqueue", json, Map.class);
    return String.valueOf(reply.get("id"));
  }

  private static void awaitStatus(String id, String status) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> status.equals(status(id)));
  }

  private static String status(String id) {
    List<String> rows =
        jdbc.queryForList("SELECT status FROM tasks WHERE id = CAST(? AS UUID)", String.class, id);
    return rows.isEmpty() ? null : rows.get(0);
  }

  private static int attempts(String id) {
    return jdbc.queryForObject(
        "SELECT attempts FROM tasks WHERE id = CAST(? AS UUID)", Integer.class, id);
  }

  private static List<String> transitions(String id) {
    return jdbc.query(
        "SELECT from_status, to_status FROM task_history WHERE task_id = CAST(? AS UUID) ORDER BY id",
        (rs, n) -> rs.getString(1) + "->" + rs.getString(2),
        id);
  }
}
