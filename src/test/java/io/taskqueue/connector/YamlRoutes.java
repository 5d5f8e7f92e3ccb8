package io.taskqueue.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * YAML routes of the test class path loaded into the running application, the way the server loads
 * an integrator's {@code routes/*.camel.yaml} (Camel's routes loader, the YAML DSL), and the
 * properties they refer to ({@code {{sftp.password}}}, ports) given as a Spring property source:
 * what {@code application-prod.yaml}, {@code --sftp.password=...} or an environment variable is in
 * production. The route files hold no secret. {@link #close()} removes the routes and the property
 * source again, so the suite's shared application context is left as it was.
 */
final class YamlRoutes implements AutoCloseable {

  private final CamelContext camel;
  private final ConfigurableEnvironment environment;
  private final String sourceName;
  private final Map<String, Object> properties;
  private final String[] files;
  private List<String> routeIds;

  /**
   * Routes of the class path resources {@code files}, with {@code properties} as the property
   * source {@code sourceName}; nothing is loaded before {@link #load()}.
   */
  YamlRoutes(
      CamelContext camel,
      ConfigurableEnvironment environment,
      String sourceName,
      Map<String, Object> properties,
      String... files) {
    this.camel = camel;
    this.environment = environment;
    this.sourceName = sourceName;
    this.properties = properties;
    this.files = files;
  }

  /**
   * Adds the property source, then loads and starts the routes (they resolve their placeholders
   * now); once only. Call it from a {@code @BeforeEach}, keeping this in a static field closed in
   * {@code @AfterAll}. (A test class with {@code @TestInstance(PER_CLASS)} does not work here: in
   * one, the suite's REST API answered 404 to every request.)
   */
  void load() throws Exception {
    if (routeIds != null) {
      return;
    }
    environment.getPropertySources().addFirst(new MapPropertySource(sourceName, properties));
    Set<String> before = ids(camel);
    List<Resource> resources = new ArrayList<>();
    for (String file : files) {
      resources.add(ResourceHelper.resolveMandatoryResource(camel, "classpath:" + file));
    }
    PluginHelper.getRoutesLoader(camel).loadRoutes(resources);
    List<String> added = new ArrayList<>(ids(camel));
    added.removeAll(before);
    routeIds = added;
  }

  /**
   * Loads the class path resource {@code file} once per application context (a test class with a
   * context of its own, whose placeholders come from its own properties): nothing when the route
   * {@code anyRouteId} of that file is there already. The routes stay until the context closes.
   */
  static void loadOnce(CamelContext camel, String file, String anyRouteId) throws Exception {
    synchronized (camel) {
      if (camel.getRoute(anyRouteId) == null) {
        PluginHelper.getRoutesLoader(camel)
            .loadRoutes(ResourceHelper.resolveMandatoryResource(camel, "classpath:" + file));
      }
    }
  }

  private static Set<String> ids(CamelContext camel) {
    return camel.getRoutes().stream().map(Route::getRouteId).collect(Collectors.toSet());
  }

  @Override
  public void close() throws Exception {
    if (routeIds != null) {
      for (String id : routeIds) {
        camel.getRouteController().stopRoute(id);
      }
      for (String id : routeIds) {
        camel.removeRoute(id);
      }
    }
    environment.getPropertySources().remove(sourceName);
  }
}
