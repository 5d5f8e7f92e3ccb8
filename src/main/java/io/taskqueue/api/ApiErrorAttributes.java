package io.taskqueue.api;

import jakarta.servlet.RequestDispatcher;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.web.servlet.error.DefaultErrorAttributes;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * The API's error shape, {@code {"error": "...", "field": null}}, also for the errors Spring MVC
 * answers before any route runs: a path under {@code /api} that does not exist (404), a method a
 * path does not support (405), and the like. Other paths keep Spring Boot's default body.
 */
@Component
public class ApiErrorAttributes extends DefaultErrorAttributes {

  @Override
  public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
    String path = attribute(request, RequestDispatcher.ERROR_REQUEST_URI);
    if (path == null || !(path.equals("/api") || path.startsWith("/api/"))) {
      return super.getErrorAttributes(request, options);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message(request, path));
    body.put("field", null);
    return body;
  }

  private String message(WebRequest request, String path) {
    Object code =
        request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE, RequestAttributes.SCOPE_REQUEST);
    int status = code instanceof Integer n ? n : 500;
    if (status == 404) {
      return "No such API endpoint: " + path;
    }
    // Spring's own exceptions (405, 415, 400 ...) carry a sentence saying what was wrong
    if (getError(request) instanceof ErrorResponse response
        && response.getBody().getDetail() != null) {
      return response.getBody().getDetail();
    }
    HttpStatus known = HttpStatus.resolve(status);
    return (known != null ? known.getReasonPhrase() : "Error " + status) + ": " + path;
  }

  private static String attribute(WebRequest request, String name) {
    Object value = request.getAttribute(name, RequestAttributes.SCOPE_REQUEST);
    return value == null ? null : value.toString();
  }
}
