package io.taskqueue.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskqueue.support.AppProcess;
import io.taskqueue.support.BrokerProcess;
import io.taskqueue.support.TcpProxy;
import io.taskqueue.support.TestDatabase;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.URI;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's own tools work: the broker survives kill -9 with its messages, the cut cuts.
 */
class FaultHarnessIT {

  static final Path DIR =
      AppProcess.baseDir().resolve("target/fault-suite/harness-" + System.currentTimeMillis());

  @Test
  void brokerKeepsEveryPersistentMessageAcrossKill9AndRestart() throws Exception {
    try (BrokerProcess broker =
        new BrokerProcess(DIR.resolve("broker"), BrokerProcess.freePort())) {
      broker.start();
      ActiveMQConnectionFactory factory =
          new ActiveMQConnectionFactory(broker.url(), BrokerProcess.USER, BrokerProcess.PASSWORD);
      try (Connection connection = factory.createConnection()) {
        Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
        Queue queue = session.createQueue("taskqueue.group.harness");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < 200; i++) {
          producer.send(session.createTextMessage("m" + i));
        }
        session.commit();
      }
      broker.kill();
      assertThat(broker.isAlive()).isFalse();
      broker.start(); // same journal, same port

      Set<String> received = new HashSet<>();
      try (Connection connection = factory.createConnection()) {
        connection.start();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer =
            session.createConsumer(session.createQueue("taskqueue.group.harness"));
        TextMessage message;
        while ((message = (TextMessage) consumer.receive(2_000)) != null) {
          received.add(message.getText());
        }
      }
      assertThat(received).hasSize(200);
    }
  }

  @Test
  void proxyCutDropsConnectionsAndRefusesNewOnesUntilRestored() throws Exception {
    TestDatabase.requirePostgres();
    URI pg = URI.create(TestDatabase.url().substring("jdbc:".length()));
    try (TcpProxy proxy =
        new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort(), AppProcess.freePort())) {
      String url =
          "jdbc:postgresql://127.0.0.1:" + proxy.port() + pg.getPath() + "?connectTimeout=5";
      try (java.sql.Connection open =
          DriverManager.getConnection(url, TestDatabase.user(), TestDatabase.password())) {
        assertThat(one(open)).isEqualTo(1);
        proxy.cut();
        assertThatThrownBy(() -> one(open)).isInstanceOf(SQLException.class);
        assertThatThrownBy(
                () ->
                    DriverManager.getConnection(url, TestDatabase.user(), TestDatabase.password()))
            .isInstanceOf(SQLException.class);
        proxy.restore();
      }
      try (java.sql.Connection again =
          DriverManager.getConnection(url, TestDatabase.user(), TestDatabase.password())) {
        assertThat(one(again)).isEqualTo(1);
      }
    }
  }

  private static int one(java.sql.Connection connection) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
