package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * AMQP 1.0 to another broker: the partner is a second Artemis in this JVM (not the task queue's
 * own) that speaks only AMQP ({@code artemis-amqp-protocol}) on a free loopback port and refuses
 * connections without its user's password. The routes are the README's examples ({@code
 * connectors/amqp.camel.yaml}): a handler sending to {@code amqp:queue:partner.orders}, and an
 * ingress from {@code amqp:queue:partner.tasks} to {@code direct:enqueue}. The application gets the
 * connection only from {@code camel.component.amqp.host/port/username/password}; the test's client
 * is Qpid JMS, the AMQP 1.0 client camel-amqp uses.
 *
 * <p>Its own application context and schema (the port is only known at run time); the partner
 * broker stops after the context.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.hikari.schema=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_amqp",
      "spring.flyway.schemas=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_amqp",
      "spring.flyway.default-schema=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_amqp",
      "taskqueue.inbox-dir=target/test-inbox/${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_amqp"
    })
@Import(AmqpConnectorTest.StopPartnerAfterTheApp.class)
@DirtiesContext
class AmqpConnectorTest extends TaskQueueTestSupport {

  static final String USER = "taskqueue";
  static final String PASSWORD = UUID.randomUUID().toString();
  static final int PORT = freePort();
  static final EmbeddedActiveMQ PARTNER = startPartner();

  static EmbeddedActiveMQ startPartner() {
    try {
      ConfigurationImpl config = new ConfigurationImpl();
      config.setPersistenceEnabled(false);
      config.setSecurityEnabled(true);
      config.addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + PORT + "?protocols=AMQP");
      config.putSecurityRoles(
          "#",
          Set.of(
              new Role(
                  "partner", true, true, true, true, true, true, false, true, true, true, false,
                  false)));
      SecurityConfiguration users =
          new SecurityConfiguration(Map.of(USER, PASSWORD), Map.of(USER, List.of("partner")));
      EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
      broker.setConfiguration(config);
      broker.setSecurityManager(
          new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
      broker.start();
      return broker;
    } catch (Exception e) {
      throw new IllegalStateException("The partner broker did not start", e);
    }
  }

  @DynamicPropertySource
  static void amqpConnection(DynamicPropertyRegistry registry) {
    registry.add("camel.component.amqp.host", () -> "127.0.0.1");
    registry.add("camel.component.amqp.port", () -> PORT);
    registry.add("camel.component.amqp.username", () -> USER);
    registry.add("camel.component.amqp.password", () -> PASSWORD);
  }

  /** Destroyed with the context, after Camel stopped its consumers. */
  @TestConfiguration(proxyBeanMethods = false)
  static class StopPartnerAfterTheApp implements DisposableBean {
    @Override
    public void destroy() throws Exception {
      PARTNER.stop();
    }
  }

  @BeforeEach
  void routes() throws Exception {
    YamlRoutes.loadOnce(camel, "connectors/amqp.camel.yaml", "ingress-partner-amqp");
  }

  @Test
  void aHandlerSendsItsTaskToThePartnersQueue() throws Exception {
    String id = enqueue("{\"type\":\"partner.order\",\"payload\":{\"order\":7,\"qty\":3}}");

    awaitStatus(id, "completed");
    try (Connection connection = partner(USER, PASSWORD)) {
      connection.start();
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      Message message =
          session.createConsumer(session.createQueue("partner.orders")).receive(30_000);
      assertThat(message).isInstanceOf(TextMessage.class);
      assertThat(json(((TextMessage) message).getText()))
          .isEqualTo(json("{\"order\":7,\"qty\":3}"));
      assertThat(message.getObjectProperty("TaskId")).isNull();
    }
  }

  @Test
  void aPartnerMessageBecomesATaskThatCompletes() throws Exception {
    String messageId;
    try (Connection connection = partner(USER, PASSWORD)) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      MessageProducer producer = session.createProducer(session.createQueue("partner.tasks"));
      TextMessage message =
          session.createTextMessage("{\"type\":\"demo.echo\",\"payload\":{\"via\":\"amqp\"}}");
      // message properties do not steer the flow
      message.setStringProperty("TaskGroup", "test");
      message.setStringProperty("CamelSqlQuery", "DELETE FROM tasks");
      producer.send(message);
      messageId = message.getJMSMessageID();
    }

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
    Map<String, Object> task = jdbc.queryForMap("SELECT * FROM tasks");
    assertThat(task.get("type")).isEqualTo("demo.echo");
    assertThat(task.get("resource_group")).isEqualTo("demo");
    assertThat(task.get("payload")).isEqualTo("{\"via\":\"amqp\"}");
    // redelivered after a crash, the same message would return this task instead of a new one
    assertThat(task.get("idempotency_key")).isEqualTo("amqp:" + messageId);
  }

  @Test
  void anInvalidPartnerMessageGoesToTheInvalidQueueWithItsReason() throws Exception {
    String bad = "[{\"type\":\"demo.echo\"}]"; // direct:enqueue takes one task, not an array
    try (Connection connection = partner(USER, PASSWORD)) {
      connection.start();
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      session
          .createProducer(session.createQueue("partner.tasks"))
          .send(session.createTextMessage(bad));

      Message rejected =
          session.createConsumer(session.createQueue("partner.tasks.invalid")).receive(30_000);
      assertThat(rejected).isInstanceOf(TextMessage.class);
      assertThat(((TextMessage) rejected).getText()).isEqualTo(bad);
      assertThat(rejected.getStringProperty("TaskqueueRejectReason")).contains("JSON object");
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  /** The partner checks credentials: the application got in with the ones from its properties. */
  @Test
  void thePartnerRefusesAWrongPassword() {
    assertThatThrownBy(
            () -> {
              try (Connection connection = partner(USER, "not-" + PASSWORD)) {
                connection.start();
              }
            })
        .isInstanceOf(JMSSecurityException.class);
  }

  private static Connection partner(String user, String password) throws Exception {
    return new JmsConnectionFactory(user, password, "amqp://127.0.0.1:" + PORT).createConnection();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
