package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.ClearTextPasswordEncryptor;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * camel-ftp against an embedded Apache FtpServer (password login, a temporary home folder, a free
 * port, passive mode): a YAML handler that uploads a file.
 */
class FtpConnectorTest extends TaskQueueTestSupport {

  @Autowired ConfigurableEnvironment environment;

  private static final String password = "p&ss+" + UUID.randomUUID();
  private static Path root;
  private static FtpServer ftp;
  private static Map<String, Object> properties;
  private static YamlRoutes routes;

  @BeforeAll
  static void startFtpServer() throws Exception {
    root =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "ftp-root")
            .toAbsolutePath();
    FtpServerFactory factory = new FtpServerFactory();
    ListenerFactory listener = new ListenerFactory();
    listener.setServerAddress("127.0.0.1");
    listener.setPort(0);
    factory.addListener("default", listener.createListener());
    PropertiesUserManagerFactory users = new PropertiesUserManagerFactory();
    users.setPasswordEncryptor(new ClearTextPasswordEncryptor());
    UserManager userManager = users.createUserManager();
    BaseUser user = new BaseUser();
    user.setName("partner");
    user.setPassword(password);
    user.setHomeDirectory(root.toString());
    user.setAuthorities(List.of(new WritePermission()));
    userManager.save(user);
    factory.setUserManager(userManager);
    ftp = factory.createServer();
    ftp.start();
    properties =
        Map.of(
            "ftp.port",
            factory.getListener("default").getPort(),
            "ftp.username",
            "partner",
            "ftp.password",
            password);
  }

  // the routes need the test instance's camel and environment: loaded by the first test
  @BeforeEach
  void loadRoutes() throws Exception {
    if (routes == null) {
      routes =
          new YamlRoutes(camel, environment, "ftp-server", properties, "connectors/ftp.camel.yaml");
    }
    routes.load();
  }

  @AfterAll
  static void stopFtpServer() throws Exception {
    if (routes != null) {
      routes.close();
      routes = null;
    }
    ftp.stop();
  }

  @Test
  void aHandlerUploadsAFile() throws Exception {
    String id =
        enqueue(
            "{\"type\":\"test.ftp-upload\",\"payload\":{\"name\":\"report-8.csv\","
                + "\"content\":\"order,qty\\nA-8,5\\n\"}}");

    awaitStatus(id, "completed");
    Path landed = root.resolve("outbox/report-8.csv");
    assertThat(landed).exists();
    assertThat(Files.readString(landed)).isEqualTo("order,qty\nA-8,5\n");
    assertThat(json((String) row(id).get("result")).asText()).isEqualTo("outbox/report-8.csv");
  }
}
