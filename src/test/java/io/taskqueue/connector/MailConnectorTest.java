package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * camel-mail against a GreenMail server (SMTP and IMAP on free ports): a YAML handler that sends a
 * mail, and an IMAP mailbox as ingress whose mails become tasks. The mailbox password is a random
 * one given as a Spring property; the route file only names it.
 */
class MailConnectorTest extends TaskQueueTestSupport {

  @Autowired ConfigurableEnvironment environment;

  // & and + would break the URI without RAW(...)
  private static final String password = "p&ss+" + UUID.randomUUID();
  private static GreenMail mail;
  private static Map<String, Object> properties;
  private static YamlRoutes routes;

  @BeforeAll
  static void startMailServer() throws Exception {
    mail =
        new GreenMail(
            new ServerSetup[] {
              ServerSetupTest.SMTP.dynamicPort(), ServerSetupTest.IMAP.dynamicPort()
            });
    mail.start();
    mail.setUser("tasks@localhost", "tasks", password);
    properties =
        Map.of(
            "mail.smtp-port",
            mail.getSmtp().getPort(),
            "mail.imap-port",
            mail.getImap().getPort(),
            "mail.username",
            "tasks",
            "mail.password",
            password);
  }

  // the routes need the test instance's camel and environment: loaded by the first test
  @BeforeEach
  void loadRoutes() throws Exception {
    if (routes == null) {
      routes =
          new YamlRoutes(
              camel, environment, "mail-server", properties, "connectors/mail.camel.yaml");
    }
    routes.load();
  }

  @AfterAll
  static void stopMailServer() throws Exception {
    if (routes != null) {
      routes.close();
      routes = null;
    }
    mail.stop();
  }

  @BeforeEach
  void emptyMailboxes() throws Exception {
    mail.purgeEmailFromAllMailboxes();
  }

  @Test
  void aHandlerSendsMailOverSmtp() throws Exception {
    String id =
        enqueue(
            "{\"type\":\"test.mail-send\",\"payload\":{\"to\":\"ops@localhost\","
                + "\"subject\":\"Order A-1 shipped\",\"text\":\"Order A-1 left the warehouse.\"}}");

    awaitStatus(id, "completed");
    MimeMessage[] received = mail.getReceivedMessages();
    assertThat(received).hasSize(1);
    MimeMessage sent = received[0];
    assertThat(sent.getSubject()).isEqualTo("Order A-1 shipped");
    assertThat(sent.getAllRecipients())
        .extracting(Object::toString)
        .containsExactly("ops@localhost");
    assertThat(sent.getFrom()).extracting(Object::toString).containsExactly("tasks@localhost");
    assertThat(GreenMailUtil.getBody(sent).trim()).isEqualTo("Order A-1 left the warehouse.");
    assertThat(sent.getHeader("X-Task-Id")).containsExactly(id);
    assertThat(sent.getHeader("TaskId")).isNull();
    assertThat(json((String) row(id).get("result")).asText()).isEqualTo("sent to ops@localhost");
  }

  @Test
  void mailsInTheImapMailboxBecomeTasks() {
    ServerSetup smtp = mail.getSmtp().getServerSetup();
    GreenMailUtil.sendTextEmail(
        "tasks@localhost", "partner@localhost", "not a task", "Hello, no JSON here.", smtp);
    GreenMailUtil.sendTextEmail(
        "tasks@localhost",
        "partner@localhost",
        "order A-7",
        "{\"type\":\"test.count\",\"payload\":{\"via\":\"mail\",\"order\":\"A-7\"}}",
        smtp);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
    assertThat(jdbc.queryForObject("SELECT payload FROM tasks", String.class))
        .isEqualTo("{\"via\":\"mail\",\"order\":\"A-7\"}");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(1);
  }
}
