package io.taskqueue.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.taskqueue.support.AppProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.camel.Component;
import org.apache.camel.support.DefaultComponent;
import org.junit.jupiter.api.Test;

/**
 * Bring your own component: a Camel component jar built while the test runs (compiled with
 * javax.tools, never part of the application) is dropped into {@code lib/} of the packaged jar's
 * working directory, and a YAML handler route uses its scheme. A route naming a scheme no component
 * answers to refuses start-up with one paragraph naming the route, the file and the scheme.
 */
class BringYourOwnComponentIT {

  /** The component's scheme and its three classes, in the integrator's own package. */
  static final String SCHEME = "byoc";

  static final Map<String, String> SOURCES =
      Map.of(
          "acme/byoc/ByocComponent.java",
          """
          package acme.byoc;

          import java.util.Map;
          import org.apache.camel.Endpoint;
          import org.apache.camel.support.DefaultComponent;

          public class ByocComponent extends DefaultComponent {
            @Override
            protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
              return new ByocEndpoint(uri, this, remaining);
            }
          }
          """,
          "acme/byoc/ByocEndpoint.java",
          """
          package acme.byoc;

          import org.apache.camel.Component;
          import org.apache.camel.Consumer;
          import org.apache.camel.Processor;
          import org.apache.camel.Producer;
          import org.apache.camel.support.DefaultEndpoint;

          public class ByocEndpoint extends DefaultEndpoint {
            private final String greeting;

            ByocEndpoint(String uri, Component component, String greeting) {
              super(uri, component);
              this.greeting = greeting;
            }

            @Override
            public Producer createProducer() {
              return new ByocProducer(this, greeting);
            }

            @Override
            public Consumer createConsumer(Processor processor) {
              throw new UnsupportedOperationException("byoc: a producer only");
            }
          }
          """,
          "acme/byoc/ByocProducer.java",
          """
          package acme.byoc;

          import java.util.LinkedHashMap;
          import java.util.Map;
          import org.apache.camel.Endpoint;
          import org.apache.camel.Exchange;
          import org.apache.camel.support.DefaultProducer;

          public class ByocProducer extends DefaultProducer {
            private final String greeting;

            ByocProducer(Endpoint endpoint, String greeting) {
              super(endpoint);
              this.greeting = greeting;
            }

            @Override
            public void process(Exchange exchange) {
              Map<String, Object> result = new LinkedHashMap<>();
              result.put("component", "byoc");
              result.put("greeting", greeting);
              result.put("payload", exchange.getMessage().getBody());
              result.put("jar", String.valueOf(
                  getClass().getProtectionDomain().getCodeSource().getLocation()));
              exchange.getMessage().setBody(result);
            }
          }
          """);

  static final String HANDLER_ROUTE =
      """
      # a handler that calls the component from lib/
      - route:
          id: byoc-hello
          from:
            uri: task:test.byoc
            steps:
              - to: byoc:hello
      """;

  static final String MISSING_ROUTE =
      """
      # a handler that names a scheme no component on the classpath answers to
      - route:
          id: byoc-missing
          from:
            uri: task:test.missing
            steps:
              - to: nosuch:thing
      """;

  /** The jar in {@code lib/} (the default loader.path) runs the task; its result says so. */
  @Test
  void aComponentDroppedIntoLibRunsFromYaml() throws Exception {
    Path dir = workDir("lib");
    Path jar = buildComponentJar(dir.resolve("lib"));
    Files.writeString(dir.resolve("routes/byoc.camel.yaml"), HANDLER_ROUTE);
    runsTheComponent(dir, jar, List.of(), Map.of());
  }

  /**
   * {@code LOADER_PATH} names another folder (here outside the working directory) in place of
   * {@code lib/}, which does not exist: a missing lib/ is harmless.
   */
  @Test
  void loaderPathNamesAnotherFolder() throws Exception {
    Path dir = workDir("loader-path");
    Path jar = buildComponentJar(dir.resolveSibling(dir.getFileName() + "-components"));
    Files.writeString(dir.resolve("routes/byoc.camel.yaml"), HANDLER_ROUTE);
    assertThat(dir.resolve("lib")).doesNotExist();
    runsTheComponent(
        dir, jar, List.of(), Map.of("LOADER_PATH", jar.getParent().toAbsolutePath().toString()));
  }

  /** A route naming an absent scheme: exit code 1 and one paragraph that names what to do. */
  @Test
  void aMissingComponentRefusesStartUpNamingRouteFileAndScheme() throws Exception {
    Path dir = workDir("missing");
    Files.writeString(dir.resolve("routes/missing.camel.yaml"), MISSING_ROUTE);
    Path log = dir.resolve("app.log");
    AppProcess app =
        AppProcess.launch(dir, log, AppProcess.freePort(), List.of(), Map.of(), List.of());
    try {
      Integer exit = app.awaitExit(Duration.ofSeconds(180));
      String output = Files.readString(log);
      System.out.println("---- app log " + log + " ----\n" + output);
      assertThat(exit).as("exit code of a start-up with a missing component").isNotNull();
      assertThat(exit).as("exit code of a start-up with a missing component").isNotZero();
      assertThat(output)
          .contains("APPLICATION FAILED TO START")
          .contains("Route 'byoc-missing' in routes/missing.camel.yaml (line ")
          .contains("names the scheme 'nosuch'")
          .contains("no Camel component with the scheme 'nosuch' is on the classpath")
          .contains("into the lib/ folder of the working directory");
    } finally {
      app.close();
    }
  }

  private static void runsTheComponent(
      Path dir, Path jar, List<String> jvmArgs, Map<String, String> env) throws Exception {
    Path log = dir.resolve("app.log");
    AppProcess app = null;
    try {
      app = AppProcess.start(dir, log, AppProcess.freePort(), jvmArgs, env, List.of());
      String id = app.enqueue("{\"type\":\"test.byoc\",\"payload\":{\"n\":1}}");
      AppProcess running = app;
      JsonNode task =
          await()
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(200))
              .until(
                  () -> running.task(id),
                  t ->
                      !"pending".equals(t.get("status").asText())
                          && !"running".equals(t.get("status").asText()));
      assertThat(task.get("status").asText()).as("task %s", task).isEqualTo("completed");
      JsonNode result = task.get("result");
      assertThat(result.get("component").asText()).isEqualTo("byoc");
      assertThat(result.get("greeting").asText()).isEqualTo("hello");
      assertThat(result.get("payload").get("n").asInt()).isEqualTo(1);
      assertThat(result.get("jar").asText()).endsWith(jar.getFileName().toString());
    } catch (Throwable failure) {
      System.out.println("---- app log " + log + " ----");
      if (Files.exists(log)) {
        System.out.println(Files.readString(log));
      }
      throw failure;
    } finally {
      if (app != null) {
        app.close();
      }
    }
  }

  /**
   * A fresh working directory under {@code target/byoc-it/}: the project's {@code connectors/} (the
   * ingress Kamelets and their bindings the app expects), an empty {@code routes/}, and the data
   * dir inside it.
   */
  private static Path workDir(String name) throws IOException {
    Path dir = AppProcess.baseDir().resolve("target/byoc-it/" + name + "-" + System.nanoTime());
    Files.createDirectories(dir.resolve("routes"));
    Path connectors = AppProcess.baseDir().resolve("connectors");
    Files.createDirectories(dir.resolve("connectors"));
    try (Stream<Path> files = Files.list(connectors)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        // the bindings (*.camel.yaml) and the Kamelets they bind (*.kamelet.yaml)
        if (file.getFileName().toString().endsWith(".yaml")) {
          Files.copy(file, dir.resolve("connectors").resolve(file.getFileName()));
        }
      }
    }
    return dir;
  }

  /**
   * Compiles {@link #SOURCES} against the Camel jars the test runs with, and writes them with the
   * component's service file ({@code META-INF/services/org/apache/camel/component/byoc}) as {@code
   * folder/byoc-component.jar}.
   */
  static Path buildComponentJar(Path folder) throws IOException, URISyntaxException {
    Path build = Files.createTempDirectory("byoc-build");
    Path src = build.resolve("src");
    Path classes = build.resolve("classes");
    Files.createDirectories(classes);
    List<String> javacArgs = new ArrayList<>();
    javacArgs.add("-d");
    javacArgs.add(classes.toString());
    javacArgs.add("-classpath");
    javacArgs.add(
        jarOf(Component.class) + java.io.File.pathSeparator + jarOf(DefaultComponent.class));
    javacArgs.add("--release");
    javacArgs.add("17");
    for (Map.Entry<String, String> source : SOURCES.entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      javacArgs.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler (javax.tools)").isNotNull();
    int compiled = javac.run(null, System.out, System.err, javacArgs.toArray(String[]::new));
    assertThat(compiled).as("javac exit code for the byoc component").isZero();

    Files.createDirectories(folder);
    Path jar = folder.resolve("byoc-component.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> walk = Files.walk(classes)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("META-INF/services/org/apache/camel/component/" + SCHEME));
      write(out, "class=acme.byoc.ByocComponent\n");
      out.closeEntry();
    }
    return jar;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The jar (or classes folder) a class was loaded from. */
  private static String jarOf(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
