package io.taskqueue.support;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.apache.activemq.artemis.spi.core.security.jaas.InVMLoginModule;
import org.slf4j.LoggerFactory;

/**
 * A standalone Artemis broker as its own JVM, configured by the repository's {@code
 * broker/broker.xml}: what {@link BrokerProcess} starts (and kills with SIGKILL) for the fault
 * suite.
 *
 * <p>{@code java -cp <test classpath> io.taskqueue.support.StandaloneBroker <broker.xml> <data dir>
 * <port> <user> <password>}. The broker.xml placeholders {@code data.dir} and {@code
 * taskqueue.broker.port} are set from the arguments; one user with the role {@code taskqueue}.
 * Prints {@link #STARTED} once the broker is live.
 */
public final class StandaloneBroker {

  public static final String STARTED = "TASKQUEUE-BROKER-STARTED";

  private StandaloneBroker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: StandaloneBroker <broker.xml> <data dir> <port> <user> <password>");
      System.exit(2);
    }
    System.setProperty("data.dir", Path.of(args[1]).toAbsolutePath().toString());
    System.setProperty("taskqueue.broker.host", "127.0.0.1");
    System.setProperty("taskqueue.broker.port", args[2]);
    // the audit loggers write a line per management call and per message at INFO
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.activemq.audit"))
        .setLevel(Level.WARN);
    SecurityConfiguration users = new SecurityConfiguration();
    users.addUser(args[3], args[4]);
    users.addRole(args[3], "taskqueue");
    EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
    broker.setConfigResourcePath(Path.of(args[0]).toAbsolutePath().toUri().toString());
    broker.setSecurityManager(
        new ActiveMQJAASSecurityManager(InVMLoginModule.class.getName(), users));
    broker.start();
    System.out.println(STARTED + " " + args[2]);
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }
}
