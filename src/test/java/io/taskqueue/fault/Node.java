package io.taskqueue.fault;

import io.taskqueue.support.AppProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One app node of the fault cluster: a name, a fixed HTTP port and its base arguments; the current
 * {@link AppProcess} changes with every (re)start. A restart keeps the port, so a client's list of
 * node addresses stays valid.
 */
final class Node {

  final String name;
  private final int port;
  private final Path log;
  private final List<String> baseArgs;
  private volatile AppProcess app;
  private volatile int starts;

  Node(String name, Path dir, List<String> baseArgs) throws IOException {
    this.name = name;
    this.port = AppProcess.freePort();
    this.log = dir.resolve(name + ".log");
    this.baseArgs = List.copyOf(baseArgs);
  }

  /** Starts (or restarts) the node in its normal configuration. */
  Node start() throws IOException {
    return start(List.of(), Map.of(), List.of());
  }

  /**
   * JVM options of every node: C1 only and the serial collector start a node in about half the CPU
   * time on a small machine (the suite starts nodes a dozen times); throughput does not matter
   * here.
   */
  static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /** Starts the node with extra JVM arguments, environment and app arguments (this start only). */
  synchronized Node start(List<String> jvmArgs, Map<String, String> env, List<String> extraArgs)
      throws IOException {
    return start(jvmArgs, env, extraArgs, true);
  }

  /** As above; {@code awaitHealthy} false returns at once (a node that may die while starting). */
  synchronized Node start(
      List<String> jvmArgs, Map<String, String> env, List<String> extraArgs, boolean awaitHealthy)
      throws IOException {
    if (up()) {
      throw new IllegalStateException(name + " is running already");
    }
    List<String> args = new ArrayList<>(baseArgs);
    args.addAll(extraArgs);
    List<String> jvm = new ArrayList<>(JVM_OPTIONS);
    jvm.addAll(jvmArgs);
    starts++;
    app =
        awaitHealthy
            ? AppProcess.start(log, port, jvm, env, args)
            : AppProcess.launch(log, port, jvm, env, args);
    return this;
  }

  boolean up() {
    AppProcess current = app;
    return current != null && current.isAlive();
  }

  AppProcess app() {
    return app;
  }

  int starts() {
    return starts;
  }

  int port() {
    return port;
  }

  Path log() {
    return log;
  }

  /** SIGKILL; the exit code (137), or -1 when the node was not running. */
  int kill() throws InterruptedException {
    AppProcess current = app;
    return current == null || !current.isAlive() ? -1 : current.kill();
  }

  /** Waits at most {@code timeout} for the node to die by itself; its exit code or null. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    AppProcess current = app;
    return current == null ? Integer.valueOf(-1) : current.awaitExit(timeout);
  }

  @Override
  public String toString() {
    return name + "(:" + port + (up() ? ", pid " + app.pid() : ", down") + ")";
  }
}
