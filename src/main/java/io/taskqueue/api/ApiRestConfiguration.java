package io.taskqueue.api;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/** REST DSL settings shared by every API RouteBuilder: served by Spring MVC via platform-http. */
@Component
public class ApiRestConfiguration extends RouteBuilder {

  @Override
  public void configure() {
    restConfiguration().component("platform-http").bindingMode(RestBindingMode.off);
  }
}
