package io.taskqueue.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A broker of a test's own, in this JVM, reachable over TCP on a free 127.0.0.1 port like an
 * external broker (never 5672). Persistent only when given a data directory.
 */
public final class TestBroker implements AutoCloseable {

  private final EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
  private final int port;

  private TestBroker(int port) {
    this.port = port;
  }

  /** Starts a broker configured by {@code settings}; {@code dataDir} null: not persistent. */
  public static TestBroker start(Path dataDir, Consumer<Configuration> settings) throws Exception {
    return start(dataDir, freePort(), settings);
  }

  public static TestBroker start(Path dataDir, int port, Consumer<Configuration> settings)
      throws Exception {
    TestBroker broker = new TestBroker(port);
    ConfigurationImpl config = new ConfigurationImpl();
    config.setSecurityEnabled(false);
    config.setPersistenceEnabled(dataDir != null);
    if (dataDir != null) {
      config.setJournalDirectory(dataDir.resolve("journal").toString());
      config.setBindingsDirectory(dataDir.resolve("bindings").toString());
      config.setLargeMessagesDirectory(dataDir.resolve("large").toString());
      config.setPagingDirectory(dataDir.resolve("paging").toString());
    }
    config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
    settings.accept(config);
    broker.embedded.setConfiguration(config);
    broker.embedded.start();
    return broker;
  }

  public int port() {
    return port;
  }

  public ActiveMQServer server() {
    return embedded.getActiveMQServer();
  }

  /** A client connection factory with consumer window 0, like the application's. */
  public ActiveMQConnectionFactory connectionFactory() {
    ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port);
    factory.setConsumerWindowSize(0);
    return factory;
  }

  @Override
  public void close() throws Exception {
    embedded.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
