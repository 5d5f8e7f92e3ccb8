package io.taskqueue.api;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/**
 * REST DSL settings shared by every API RouteBuilder: served by Spring MVC via platform-http, and
 * described by the OpenAPI document at {@value #OPENAPI_PATH}, generated from the REST DSL.
 */
@Component
public class ApiRestConfiguration extends RouteBuilder {

  public static final String OPENAPI_PATH = "/api/openapi.json";

  @Override
  public void configure() {
    restConfiguration()
        .component("platform-http")
        .bindingMode(RestBindingMode.off)
        .apiContextPath(OPENAPI_PATH)
        .apiProperty("api.title", "camel-taskqueue API")
        .apiProperty("api.description", "Enqueue, query, cancel and redrive tasks; inspect groups")
        .apiProperty("api.version", "0.1.0");
  }
}
