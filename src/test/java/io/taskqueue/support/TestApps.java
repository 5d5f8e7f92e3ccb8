package io.taskqueue.support;

import io.taskqueue.TaskQueueApplication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts the application in the test JVM with its own profiles and properties, outside the suite's
 * shared test context: for start-up refusals and for apps whose database a test cuts.
 */
public final class TestApps {

  private TestApps() {}

  /** Runs the app with these profiles and {@code key=value} properties, on a free port. */
  public static ConfigurableApplicationContext run(List<String> profiles, String... properties) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("server.port", "0");
    all.put("server.address", "127.0.0.1");
    all.put("spring.main.banner-mode", "off");
    all.put("spring.datasource.hikari.maximum-pool-size", "5"); // PostgreSQL is shared
    all.put("spring.datasource.hikari.minimum-idle", "0");
    all.put("taskqueue.data-dir", "target/test-data/app-" + UUID.randomUUID());
    for (String property : properties) {
      String[] pair = property.split("=", 2);
      all.put(pair[0], pair[1]);
    }
    // as command-line arguments: they win over application*.yaml, as a user's settings would
    String[] args =
        all.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    return new SpringApplicationBuilder(TaskQueueApplication.class)
        .profiles(profiles.toArray(String[]::new))
        .run(args);
  }

  public static int port(ConfigurableApplicationContext context) {
    return ((ServletWebServerApplicationContext) context).getWebServer().getPort();
  }
}
