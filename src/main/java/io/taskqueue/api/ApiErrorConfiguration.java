package io.taskqueue.api;

import io.taskqueue.task.InvalidTaskException;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Error handling shared by every API route ({@code routeConfigurationId("api-errors")}): one JSON
 * shape, {@code {"error": "...", "field": "..."}}, with the status that fits.
 */
@Component
public class ApiErrorConfiguration extends RouteConfigurationBuilder {

  public static final String ID = "api-errors";

  private final ApiResponses responses;

  public ApiErrorConfiguration(ApiResponses responses) {
    this.responses = responses;
  }

  @Override
  public void configuration() {
    routeConfiguration(ID)
        .onException(InvalidTaskException.class)
        .handled(true)
        .process(
            e -> {
              // found in the cause chain: a splitter may wrap it
              InvalidTaskException error =
                  org.apache.camel.util.ObjectHelper.getException(
                      InvalidTaskException.class,
                      e.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class));
              responses.error(e, error.status(), error.getMessage(), error.field());
            })
        .end()
        .onException(ApiException.class)
        .handled(true)
        .process(
            e -> {
              ApiException error =
                  e.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, ApiException.class);
              responses.error(e, error.status(), error.getMessage(), error.field());
            })
        .end()
        // the database or the broker is down: 503 + Retry-After, logged once without a stack
        .onException(Exception.class)
        .onWhen(
            e ->
                ServiceUnavailable.causedBy(
                    e.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class)))
        .handled(true)
        .log(
            org.apache.camel.LoggingLevel.WARN,
            "API request refused with 503: ${exception.message}")
        .process(e -> ServiceUnavailable.answer(e, responses))
        .end()
        .onException(Exception.class)
        .handled(true)
        .log(org.apache.camel.LoggingLevel.ERROR, "API request failed: ${exception.stacktrace}")
        .process(e -> responses.error(e, 500, "Internal error; see the server log", null))
        .end();
  }
}
