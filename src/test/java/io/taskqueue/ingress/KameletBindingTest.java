package io.taskqueue.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kamelets bound the way the README shows an integrator: YAML routes {@code from:
 * kamelet:<name>/<route id>}, loaded into the running application like a file in {@code
 * connectors/}. The project's Kamelets resolve from {@code connectors/}, the catalog's from the
 * class path ({@code camel.component.kamelet.location}).
 */
class KameletBindingTest extends TaskQueueTestSupport {

  private final List<String> routes = new ArrayList<>();

  @AfterEach
  void removeBindings() throws Exception {
    // the binding first, then the route made from the Kamelet
    for (String id : routes) {
      if (camel.getRoute(id) != null) {
        camel.getRouteController().stopRoute(id);
        camel.removeRoute(id);
      }
    }
  }

  @Test
  void theFileKameletBoundToASecondFolderEnqueuesItsFiles() throws Exception {
    String id = "test-partner-folder-" + UUID.randomUUID();
    Path folder = Path.of("target", "test-kamelet", id).toAbsolutePath();
    Files.createDirectories(folder);
    MockEndpoint sink = camel.getEndpoint("mock:" + id, MockEndpoint.class);
    MockEndpoint dlq = camel.getEndpoint("mock:" + id + "-dlq", MockEndpoint.class);
    // a dead letter channel on the binding must not turn a rejected file into a handled one
    bind(
        id,
        """
        - route:
            id: %1$s
            errorHandler:
              deadLetterChannel:
                deadLetterUri: "mock:%1$s-dlq"
            from:
              uri: "kamelet:taskqueue-file-source/%1$s-source"
              parameters:
                source: "RAW(file:%2$s?antInclude=*.json,*.ndjson&readLock=changed&readLockMinLength=0&move=.done&moveFailed=.error&delay=200)"
                reasons: "RAW(file:%2$s/.error)"
              steps:
                - to: "mock:%1$s"
        """
            .formatted(id, folder));

    drop(
        folder,
        "good.ndjson",
        "{\"type\":\"test.count\"}\n{\"type\":\"demo.echo\",\"payload\":2}\n");
    drop(
        folder,
        "bad.json",
        "[{\"type\":\"test.count\"},{\"type\":\"test.count\",\"priority\":-1}]");

    awaitFile(folder.resolve(".done").resolve("good.ndjson"));
    awaitFile(folder.resolve(".error").resolve("bad.json"));
    awaitFile(folder.resolve(".error").resolve("bad.json.reason"));
    assertThat(Files.readString(folder.resolve(".error").resolve("bad.json.reason")))
        .contains("[1].priority")
        .contains("0 task(s) enqueued");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 2);
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(2);
    // only the accepted file reached the binding's steps, with its count
    assertThat(sink.getReceivedExchanges()).hasSize(1);
    Exchange accepted = sink.getReceivedExchanges().get(0);
    assertThat(accepted.getIn().getHeader(Exchange.FILE_NAME)).isEqualTo("good.ndjson");
    assertThat(accepted.getIn().getHeader(IngressRoute.ENQUEUED, Long.class)).isEqualTo(2L);
    assertThat(dlq.getReceivedCounter()).isZero();
    assertThat(Files.exists(folder.resolve(".done").resolve("bad.json"))).isFalse();
  }

  @Test
  void theMessageKameletBoundToAnotherQueueEnqueuesAndMovesRejectsAside() throws Exception {
    String id = "test-partner-queue-" + UUID.randomUUID();
    MockEndpoint sink = camel.getEndpoint("mock:" + id, MockEndpoint.class);
    bind(
        id,
        """
        - route:
            id: %1$s
            from:
              uri: "kamelet:taskqueue-message-source/%1$s-source"
              parameters:
                source: "RAW(jms:queue:%1$s?transacted=true&lazyCreateTransactionManager=false&disableReplyTo=true)"
                invalid: "RAW(jms:queue:%1$s.invalid?disableReplyTo=true)"
              steps:
                - to: "mock:%1$s"
        """
            .formatted(id));

    jms.convertAndSend(id, "[{\"type\":\"test.count\"},{\"type\":\"demo.echo\",\"payload\":1}]");
    jms.convertAndSend(id, "{\"type\":\"test.count\",\"priority\":\"high\"}");

    jms.setReceiveTimeout(30_000);
    Message rejected = jms.receive(id + ".invalid");
    assertThat(rejected).isNotNull();
    assertThat(((TextMessage) rejected).getText())
        .isEqualTo("{\"type\":\"test.count\",\"priority\":\"high\"}");
    assertThat(rejected.getStringProperty(IngressRoute.REJECT_FIELD)).isEqualTo("priority");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 2);
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE idempotency_key LIKE 'jms:ID:%'"))
        .isEqualTo(2);
    // the sink got the accepted message only: its tasks' outcomes, and their number
    await().atMost(Duration.ofSeconds(10)).until(() -> sink.getReceivedCounter() == 1);
    Exchange accepted = sink.getReceivedExchanges().get(0);
    assertThat(accepted.getIn().getHeader(IngressRoute.ENQUEUED, Integer.class)).isEqualTo(2);
    assertThat(accepted.getIn().getBody(List.class)).hasSize(2);
  }

  @Test
  void theCatalogWebhookSourceBoundToEnqueueCreatesATaskThatCompletes() throws Exception {
    String id = "test-webhook-" + UUID.randomUUID();
    String path = "/hooks/" + id;
    // the binding of README "Connectors": a 400 with the reason for invalid task JSON
    bind(
        id,
        """
        - route:
            id: %1$s
            from:
              uri: "kamelet:webhook-source/%1$s-source"
              parameters:
                subpath: "%2$s"
              steps:
                - doTry:
                    steps:
                      - to: direct:enqueue
                      - marshal:
                          json: {}
                    doCatch:
                      - exception:
                          - io.taskqueue.task.InvalidTaskException
                        steps:
                          - setHeader:
                              name: CamelHttpResponseCode
                              constant: 400
                          - setBody:
                              simple: "${exception.message}"
        """
            .formatted(id, path.substring(1)));

    HttpResponse<String> created =
        post(path, "{\"type\":\"demo.echo\",\"payload\":{\"via\":\"webhook\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String taskId = json(created.body()).get("id").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> "completed".equals(status(taskId)));
    assertThat(
            jdbc.queryForObject(
                "SELECT payload FROM tasks WHERE CAST(id AS VARCHAR) = ?", String.class, taskId))
        .isEqualTo("{\"via\":\"webhook\"}");

    HttpResponse<String> invalid = post(path, "{\"type\":\"demo.echo\",\"priority\":42}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("priority");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);

    // the API under /api is untouched by the webhook
    assertThat(get("/api/tasks/" + taskId).statusCode()).isEqualTo(200);
  }

  /** Loads a YAML binding as the application loads a file in connectors/. */
  private void bind(String id, String yaml) throws Exception {
    routes.add(id);
    routes.add(id + "-source");
    PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString(id + ".yaml", yaml));
  }

  private static void drop(Path folder, String file, String content) throws IOException {
    Path tmp = folder.resolve(file + ".part");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, folder.resolve(file));
  }

  private static void awaitFile(Path path) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Files.exists(path));
  }
}
