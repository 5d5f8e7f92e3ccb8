package io.taskqueue.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Artemis broker ({@link StandaloneBroker} over {@code broker/broker.xml}) in its own
 * JVM: persistent journal in {@code dir}, core-protocol acceptor on 127.0.0.1:{@code port}. {@link
 * #kill()} is a SIGKILL; {@link #start()} again restarts it on the same journal and port.
 */
public final class BrokerProcess implements AutoCloseable {

  public static final String USER = "taskqueue";
  public static final String PASSWORD = "fault-suite";

  private final Path dir;
  private final int port;
  private final Path log;
  private Process process;

  public BrokerProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.log = dir.resolve("broker.log");
  }

  public int port() {
    return port;
  }

  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts the broker JVM and waits (at most 60 s) until it is live and accepting connections. */
  public synchronized BrokerProcess start() throws IOException {
    if (isAlive()) {
      throw new IllegalStateException("The broker is running already");
    }
    Files.createDirectories(dir);
    Path brokerXml = AppProcess.baseDir().resolve("broker/broker.xml");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            StandaloneBroker.class.getName(),
            brokerXml.toString(),
            dir.resolve("data").toString(),
            Integer.toString(port),
            USER,
            PASSWORD);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Process started = process;
    await("the broker on port " + port + " to be live (log " + log + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!started.isAlive()) {
                throw new IllegalStateException(
                    "The broker exited with " + started.exitValue() + "; see " + log);
              }
              return Files.readString(log).contains(StandaloneBroker.STARTED + " " + port)
                  && accepts();
            });
    return this;
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL: no shutdown hook, the journal is left as a crash leaves it. */
  public synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("The broker did not die from SIGKILL within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    kill();
  }

  /** A free TCP port on 127.0.0.1 (never 5672: the OS hands out ephemeral ports). */
  public static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
