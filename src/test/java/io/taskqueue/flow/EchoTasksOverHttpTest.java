package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * 1,000 demo.echo tasks over HTTP all complete, each with history pending → running → completed.
 */
class EchoTasksOverHttpTest extends TaskQueueTestSupport {

  static final int TASKS = 1000;

  @Test
  void thousandEchoTasksAllComplete() throws Exception {
    List<Future<String>> futures = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    try {
      for (int i = 0; i < TASKS; i++) {
        String body = "{\"type\":\"demo.echo\",\"payload\":{\"n\":" + i + "}}";
        futures.add(clients.submit(() -> enqueue(body)));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : futures) {
        ids.add(f.get());
      }
      assertThat(ids).doesNotHaveDuplicates().hasSize(TASKS);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == TASKS);

      assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(TASKS);
      List<String> histories =
          jdbc.queryForList(
              "SELECT string_agg(COALESCE(from_status, '') || '>' || to_status, ',' ORDER BY id)"
                  + " FROM task_history GROUP BY task_id",
              String.class);
      assertThat(histories)
          .hasSize(TASKS)
          .allMatch(h -> h.equals(">pending,pending>running,running>completed"), "history");
      // the result of an echo is its payload
      String sample = ids.get(TASKS / 2);
      assertThat(task(sample).get("result")).isEqualTo(task(sample).get("payload"));
      assertThat(task(sample).get("attempts").asInt()).isEqualTo(1);
    } finally {
      clients.shutdownNow();
    }
  }
}
