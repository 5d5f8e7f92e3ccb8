package io.taskqueue.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar ({@code taskqueue.test.jar}) as a real child process: started from the project
 * base directory (so {@code routes/*.camel.yaml} load), on a free port, with its output in a log
 * file under {@code target/}.
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
    Path jar = Path.of(System.getProperty("taskqueue.test.jar", "target/camel-taskqueue.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "No packaged jar at "
              + jar.toAbsolutePath()
              + ": run `./mvnw verify` (it packages first)");
    }
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.add("--server.port=" + port);
    command.addAll(args);
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command)
            .directory(baseDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    AppProcess app = new AppProcess(process, port, log);
    app.awaitHealthy();
    return app;
  }

  /** The project base directory: failsafe's {@code basedir}, else the working directory. */
  public static Path baseDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
  }

  private void awaitHealthy() {
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

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
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

  public HttpResponse<String> get(String path) {
    return HttpJson.send(
        HTTP, HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
