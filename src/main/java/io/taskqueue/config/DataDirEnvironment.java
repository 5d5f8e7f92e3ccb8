package io.taskqueue.config;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Publishes {@code taskqueue.data-dir} as an absolute path ({@code taskqueue.data-path}) for the
 * settings built from it. H2 refuses a file URL that is implicitly relative ({@code
 * jdbc:h2:file:data/db}), so {@code --taskqueue.data-dir=data} would otherwise fail at start-up.
 */
public class DataDirEnvironment implements EnvironmentPostProcessor {

  static final String DATA_PATH = "taskqueue.data-path";

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String dataDir = environment.getProperty("taskqueue.data-dir", "./data");
    String absolute = Path.of(dataDir).toAbsolutePath().normalize().toString();
    environment
        .getPropertySources()
        .addLast(new MapPropertySource("taskqueueDataPath", Map.of(DATA_PATH, absolute)));
  }
}
