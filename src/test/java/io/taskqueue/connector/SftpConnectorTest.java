package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * camel-ftp's sftp against an embedded Apache MINA SSHD server (password login, a temporary root
 * folder, a free port): a YAML handler that uploads a file, and the catalog's {@code sftp-source}
 * Kamelet bound to {@code direct:enqueue} as ingress. The password is a random one given as a
 * Spring property; the route file only names it.
 */
class SftpConnectorTest extends TaskQueueTestSupport {

  @Autowired ConfigurableEnvironment environment;

  // & and + would break the URI without RAW(...)
  private static final String password = "p&ss+" + UUID.randomUUID();
  private static Path root;
  private static SshServer sftp;
  private static Map<String, Object> properties;
  private static YamlRoutes routes;

  @BeforeAll
  static void startSftpServer() throws Exception {
    root =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "sftp-root")
            .toAbsolutePath();
    sftp = SshServer.setUpDefaultServer();
    sftp.setHost("127.0.0.1");
    sftp.setPort(0);
    sftp.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
    sftp.setPasswordAuthenticator(
        (user, given, session) -> "partner".equals(user) && password.equals(given));
    sftp.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
    sftp.setFileSystemFactory(new VirtualFileSystemFactory(root));
    sftp.start();
    properties =
        Map.of("sftp.port", sftp.getPort(), "sftp.username", "partner", "sftp.password", password);
  }

  // the routes need the test instance's camel and environment: loaded by the first test
  @BeforeEach
  void loadRoutes() throws Exception {
    if (routes == null) {
      routes =
          new YamlRoutes(
              camel, environment, "sftp-server", properties, "connectors/sftp.camel.yaml");
    }
    routes.load();
  }

  @AfterAll
  static void stopSftpServer() throws Exception {
    if (routes != null) {
      routes.close();
      routes = null;
    }
    sftp.stop(true);
  }

  @Test
  void aHandlerUploadsAFile() throws Exception {
    String id =
        enqueue(
            "{\"type\":\"test.sftp-upload\",\"payload\":{\"name\":\"report-7.csv\","
                + "\"content\":\"order,qty\\nA-7,3\\n\"}}");

    awaitStatus(id, "completed");
    Path landed = root.resolve("outbox/report-7.csv");
    assertThat(landed).exists();
    assertThat(Files.readString(landed)).isEqualTo("order,qty\nA-7,3\n");
    assertThat(json((String) row(id).get("result")).asText()).isEqualTo("outbox/report-7.csv");
  }

  @Test
  void aFileInTheInboxBecomesATaskThroughTheSftpSourceKamelet() throws Exception {
    Path inbox = Files.createDirectories(root.resolve("inbox"));
    // written under a hidden name, then renamed: the consumer never sees half a file
    Path part = inbox.resolve(".order-9.json.part");
    Files.writeString(
        part,
        "{\"type\":\"test.count\",\"payload\":{\"via\":\"sftp\",\"order\":\"A-9\"}}",
        StandardCharsets.UTF_8);
    Files.move(part, inbox.resolve("order-9.json"), StandardCopyOption.ATOMIC_MOVE);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
    assertThat(jdbc.queryForObject("SELECT payload FROM tasks", String.class))
        .isEqualTo("{\"via\":\"sftp\",\"order\":\"A-9\"}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !Files.exists(inbox.resolve("order-9.json")));
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
  }
}
