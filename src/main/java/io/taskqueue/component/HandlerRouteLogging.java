package io.taskqueue.component;

import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.springframework.stereotype.Component;

/**
 * Handler routes ({@code from("task:<type>")}) that declare no error handler of their own get
 * Camel's default error handler with its exhausted log at DEBUG: a handler failure is the task's
 * outcome, logged once by the failure route (one WARN line for an expected failure, one ERROR with
 * the stack for an unclassified one), not a 65-line ERROR of Camel's plus the task's line. A
 * route's own {@code onException} still works; a route that sets its own {@code errorHandler} is
 * left alone.
 */
@Component
public class HandlerRouteLogging {

  /**
   * Registers the hook when the beans are created; Camel Spring Boot adds the routes later, when
   * the application context has been refreshed.
   */
  public HandlerRouteLogging(CamelContext camel) {
    camel
        .getCamelContextExtension()
        .getContextPlugin(Model.class)
        .addModelLifecycleStrategy(
            new ModelLifecycleStrategySupport() {
              @Override
              public void onAddRouteDefinition(RouteDefinition route) {
                quiet(route);
              }
            });
  }

  static void quiet(RouteDefinition route) {
    String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
    // context scoped: the route did not call errorHandler(...) itself (it may carry its builder's
    // default)
    if (uri != null
        && uri.startsWith("task:")
        && (!route.isErrorHandlerFactorySet() || route.isContextScopedErrorHandler())) {
      route.setErrorHandlerFactory(
          // without redeliveries Camel logs an exhausted exchange whatever logExhausted says, at
          // the logger's level: DEBUG keeps it for troubleshooting
          new DefaultErrorHandlerDefinition()
              .loggingLevel(LoggingLevel.DEBUG)
              .logExhausted(false)
              .logStackTrace(false));
    }
  }
}
