package io.taskqueue.component;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

/**
 * Remembers which file each route was loaded from ({@code routes/*.camel.yaml}, {@code
 * connectors/*.camel.yaml}), for {@link MissingComponentFailureAnalyzer}: when Camel refuses a
 * route at start-up its exception names the route but not the file (Camel 4.17 passes the location
 * of the route's input through a helper that expects the node, so it is always null), and by the
 * time the failure is analyzed the application context and its CamelContext are gone. The
 * definitions are held weakly: a context that is closed leaves nothing behind.
 */
@Component
public class RouteSources {

  private static final Map<RouteDefinition, String> SOURCES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** Registers the hook when the beans are created, before Camel Spring Boot adds the routes. */
  public RouteSources(CamelContext camel) {
    camel
        .getCamelContextExtension()
        .getContextPlugin(Model.class)
        .addModelLifecycleStrategy(
            new ModelLifecycleStrategySupport() {
              @Override
              public void onAddRouteDefinition(RouteDefinition route) {
                remember(route);
              }
            });
  }

  static void remember(RouteDefinition route) {
    if (route.getResource() != null && route.getResource().getLocation() != null) {
      String location = route.getResource().getLocation();
      int line = route.getInput() == null ? -1 : route.getInput().getLineNumber();
      SOURCES.put(route, line > 0 ? location + ":" + line : location);
    }
  }

  /**
   * The file (Camel's resource location, e.g. {@code file:routes/orders.camel.yaml}, with {@code
   * :line} when Camel recorded one) the route with this id was loaded from, or null.
   */
  public static String locationOf(String routeId) {
    if (routeId == null) {
      return null;
    }
    String found = null;
    synchronized (SOURCES) {
      for (Map.Entry<RouteDefinition, String> source : SOURCES.entrySet()) {
        if (routeId.equals(source.getKey().getRouteId())) {
          found = source.getValue();
        }
      }
    }
    return found;
  }
}
