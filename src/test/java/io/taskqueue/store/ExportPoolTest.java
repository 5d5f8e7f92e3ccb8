package io.taskqueue.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.taskqueue.api.ServiceUnavailable;
import io.taskqueue.support.TaskQueueTestSupport;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.util.IOHelper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Exports hold a connection for as long as their client reads; they have a pool of their own, so
 * stuck or slow exports cannot take the connections enqueue and the workers need.
 */
class ExportPoolTest extends TaskQueueTestSupport {

  /** A runAt far enough ahead to stay pending, within the 1-year run-at horizon. */
  private static final String LATER =
      java.time.Instant.now().plus(java.time.Duration.ofDays(300)).toString();

  @Autowired TaskExporter exporter;
  @Autowired DataSource dataSource;

  @Test
  void busyExportsNeitherDelayEnqueueNorTakeTheMainPool() throws Exception {
    HikariDataSource main = (HikariDataSource) dataSource;
    HikariDataSource exports = exporter.pool();
    assertThat(exports).isNotNull().isNotSameAs(main);
    int activeBefore = main.getHikariPoolMXBean().getActiveConnections();

    // exports whose clients stopped reading: each keeps its cursor and connection open
    List<InputStream> stuck = new ArrayList<>();
    try {
      for (int i = 0; i < exports.getMaximumPoolSize(); i++) {
        stuck.add(exporter.open(new TaskFilter(null, null, null)));
      }
      assertThat(main.getHikariPoolMXBean().getActiveConnections()).isEqualTo(activeBefore);

      long start = System.nanoTime();
      String id = enqueue("{\"type\":\"test.export-pool\",\"runAt\":\"" + LATER + "\"}");
      assertThat(elapsedMillis(start)).isLessThan(1_000);
      assertThat(status(id)).isEqualTo("pending");

      // one export more waits the pool's connection-timeout, then is told to come back
      start = System.nanoTime();
      HttpResponse<String> refused = get("/api/tasks/export");
      assertThat(elapsedMillis(start)).isLessThan(6_000);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After"))
          .hasValue(String.valueOf(ServiceUnavailable.RETRY_AFTER_SECONDS));
      assertThat(json(refused.body()).get("error").asText()).isEqualTo(ServiceUnavailable.MESSAGE);
    } finally {
      stuck.forEach(IOHelper::close);
    }
    HttpResponse<String> export = get("/api/tasks/export");
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.body()).contains("test.export-pool");
  }

  private static long elapsedMillis(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
