package io.taskqueue.component;

import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Handler routes ({@code from("task:<type>")}) that declare no error handler of their own get
 * Camel's default error handler without its exhausted log: a handler failure is the task's outcome,
 * logged once by the failure route (one WARN line for an expected failure, one ERROR with the stack
 * for an unclassified one), not a 65-line ERROR of Camel's plus the task's line. A route's own
 * {@code onException} still works; a route with an explicit {@code errorHandler} is left alone.
 */
@Configuration(proxyBeanMethods = false)
public class HandlerRouteLogging {

  @Bean
  public static BeanPostProcessor quietHandlerRouteErrors() {
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof ModelCamelContext camel) {
          camel.addModelLifecycleStrategy(
              new ModelLifecycleStrategySupport() {
                @Override
                public void onAddRouteDefinition(RouteDefinition route) {
                  quiet(route);
                }
              });
        }
        return bean;
      }
    };
  }

  static void quiet(RouteDefinition route) {
    String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
    if (uri != null && uri.startsWith("task:") && !route.isErrorHandlerFactorySet()) {
      route.setErrorHandlerFactory(
          new DefaultErrorHandlerDefinition().logExhausted(false).logStackTrace(false));
    }
  }
}
