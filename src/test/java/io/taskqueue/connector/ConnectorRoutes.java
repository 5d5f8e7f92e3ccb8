package io.taskqueue.connector;

import org.apache.camel.CamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * Loads a YAML routes file of {@code src/test/resources/connector-routes/} into the running
 * application, with the same YAML DSL loader that reads {@code routes/*.camel.yaml} at start-up.
 * The file's routes are added once per application context; they start at once.
 */
final class ConnectorRoutes {

  private ConnectorRoutes() {}

  static void loadOnce(CamelContext camel, String file, String anyRouteId) throws Exception {
    synchronized (camel) {
      if (camel.getRoute(anyRouteId) == null) {
        PluginHelper.getRoutesLoader(camel)
            .loadRoutes(
                ResourceHelper.resolveMandatoryResource(
                    camel, "classpath:connector-routes/" + file));
      }
    }
  }
}
