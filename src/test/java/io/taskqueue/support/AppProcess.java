package io.taskqueue.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code taskqueue.test.jar}) as a real child process: started from the project
 * base directory (so {@code routes/*.camel.yaml} load) or a working directory of the test's own, on
 * a free port, with its output in a log file under {@code target/}.
 */
public final class AppProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private AppProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts the jar with {@code args} on a free port and waits until it answers healthy. */
  public static AppProcess start(Path log, List<String> args) throws IOException {
    return start(log, freePort(), List.of(), Map.of(), args);
  }

  /**
   * Starts the jar on {@code port} (the same port again for a restart) with extra JVM arguments
   * (before {@code -jar}) and environment variables (e.g. {@code LD_PRELOAD} and {@code FAKETIME}
   * for a skewed clock), and waits until it answers healthy.
   */
  public static AppProcess start(
      Path log, int port, List<String> jvmArgs, Map<String, String> env, List<String> args)
      throws IOException {
    return start(baseDir(), log, port, jvmArgs, env, args);
  }

  /**
   * Starts the jar like {@link #start(Path, int, List, Map, List)} in the working directory {@code
   * workDir} (which then needs its own {@code routes/}, {@code connectors/} and, for components of
   * its own, {@code lib/}), and waits until it answers healthy.
   */
  public static AppProcess start(
      Path workDir,
      Path log,
      int port,
      List<String> jvmArgs,
      Map<String, String> env,
      List<String> args)
      throws IOException {
    AppProcess app = launch(workDir, log, port, jvmArgs, env, args);
    try {
      app.awaitHealthy();
    } catch (RuntimeException | Error notHealthy) {
      app.process.destroyForcibly();
      throw notHealthy;
    }
    return app;
  }

  /**
   * Starts the jar like {@link #start(Path, int, List, Map, List)} but returns at once, without
   * waiting for it to be healthy (for a node expected to die while it starts).
   */
  public static AppProcess launch(
      Path log, int port, List<String> jvmArgs, Map<String, String> env, List<String> args)
      throws IOException {
    return launch(baseDir(), log, port, jvmArgs, env, args);
  }

  /** Starts the jar in the working directory {@code workDir} and returns at once. */
  public static AppProcess launch(
      Path workDir,
      Path log,
      int port,
      List<String> jvmArgs,
      Map<String, String> env,
      List<String> args)
      throws IOException {
    Path jar = Path.of(System.getProperty("taskqueue.test.jar", "target/camel-taskqueue.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "No packaged jar at "
              + jar.toAbsolutePath()
              + ": run `./mvnw verify` (it packages first)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.addAll(jvmArgs);
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--server.port=" + port);
    command.addAll(args);
    Files.createDirectories(log.getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(env);
    return new AppProcess(builder.start(), port, log);
  }

  /** The project base directory: failsafe's {@code basedir}, else the working directory. */
  public static Path baseDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  }

  /** Waits (at most 180 s) until the app answers healthy; fails if it exits meanwhile. */
  public void awaitHealthy() {
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException(
                    "The app exited with " + process.exitValue() + " while starting; see " + log);
              }
              try {
                return get("/actuator/health").statusCode() == 200;
              } catch (IllegalStateException notYet) {
                return false;
              }
            });
  }

  /** SIGKILL (Process.destroyForcibly on Linux); returns the exit code, 137 for a SIGKILL. */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("The app did not die from SIGKILL within 30 s");
    }
    return process.exitValue();
  }

  /** SIGSTOP: the JVM freezes (threads, timers, sockets stay open) until {@link #resume()}. */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze()}. */
  public void resume() {
    signal("CONT");
  }

  /** Sends {@code kill -<name> <pid>} (STOP, CONT, TERM, ...). */
  public void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + name + " " + pid() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits at most {@code timeout} for the process to end; its exit code, or null if it runs on. */
  public Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      try {
        signal("CONT"); // a frozen JVM cannot act on SIGTERM
      } catch (IllegalStateException alreadyGone) {
        // it ended meanwhile
      }
      process.destroy(); // SIGTERM: a graceful stop
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  /** Enqueues one task and returns its id; fails unless the answer is 202. */
  public String enqueue(String taskJson) {
    return HttpJson.acceptedId(HttpJson.send(HTTP, HttpJson.postJson(uri("/api/tasks"), taskJson)));
  }

  /** {@code GET /api/tasks/{id}}, or null when the task does not exist. */
  public JsonNode task(String id) {
    HttpResponse<String> response = get("/api/tasks/" + id);
    return response.statusCode() == 404 ? null : HttpJson.json(response.body());
  }

  /** {@code GET /api/tasks/{id}/history}. */
  public JsonNode history(String id) {
    return HttpJson.json(get("/api/tasks/" + id + "/history").body());
  }

  /**
   * {@code POST /api/tasks} with optional extra headers (name, value, ...), answering whatever the
   * app answers; at most {@code timeout}. Throws {@link IllegalStateException} on I/O failure.
   */
  public HttpResponse<String> post(String path, String json, Duration timeout, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HttpJson.send(HTTP, request.build());
  }

  public HttpResponse<String> get(String path) {
    return HttpJson.send(
        HTTP, HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
