package io.taskqueue.support;

import io.taskqueue.task.BusinessTaskException;
import io.taskqueue.task.TaskValidationException;
import io.taskqueue.task.TransientTaskException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;

/**
 * Handlers of the error-class tests (group {@code test}; application-test.yaml configures their
 * types): each throws what the payload's {@code kind} names, on every attempt, or only on the first
 * when the payload has {@code "once": true} (then it echoes the payload).
 *
 * <ul>
 *   <li>{@code test.error}: no type settings (the group's mapping and policies apply).
 *   <li>{@code test.error.retry}, {@code test.error.deadletter}, {@code test.error.complete}: the
 *       type's {@code business} policy is the name's.
 *   <li>{@code test.error.typed}: the type maps {@link CustomError} to transient (the group maps it
 *       to validation).
 * </ul>
 *
 * Kinds: validation, business, transient, connect (a {@code ConnectException}), database (an {@code
 * SQLException} in a wrapper's causes), data-access (Spring's {@code
 * DataAccessResourceFailureException}), system, custom ({@link CustomError}), custom-sub ({@link
 * CustomSubError}).
 */
@Component
public class ErrorHandlers extends RouteBuilder {

  /** An integrator's exception that the test configuration maps. */
  public static class CustomError extends RuntimeException {
    public CustomError(String message) {
      super(message);
    }
  }

  /** A subclass: a mapping of {@link CustomError} matches it too. */
  public static class CustomSubError extends CustomError {
    public CustomSubError(String message) {
      super(message);
    }
  }

  @Override
  public void configure() {
    for (String type :
        new String[] {
          "test.error",
          "test.error.retry",
          "test.error.deadletter",
          "test.error.complete",
          "test.error.typed"
        }) {
      from("task:" + type).routeId(type.replace('.', '-')).process(ErrorHandlers::fail);
    }
  }

  private static void fail(Exchange exchange) throws Exception {
    Map<?, ?> payload = exchange.getIn().getBody(Map.class);
    int attempt = exchange.getIn().getHeader("TaskAttempt", Integer.class);
    if (Boolean.TRUE.equals(payload.get("once")) && attempt > 1) {
      return; // recovered: the payload is the result
    }
    String kind = String.valueOf(payload.get("kind"));
    String message = "test " + kind + " failure";
    switch (kind) {
      case "validation" -> throw new TaskValidationException(message);
      case "business" -> throw new BusinessTaskException(message);
      case "transient" -> throw new TransientTaskException(message);
      case "connect" -> throw new ConnectException("Connection refused");
      case "database" ->
          throw new IllegalStateException(
              "the report query failed", new SQLException(message, "08006"));
      case "data-access" -> throw new DataAccessResourceFailureException(message);
      case "system" -> throw new IllegalStateException(message);
      case "custom" -> throw new CustomError(message);
      case "custom-sub" -> throw new CustomSubError(message);
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
  }
}
