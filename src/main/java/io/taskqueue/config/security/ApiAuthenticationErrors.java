package io.taskqueue.config.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 in the API's error shape, {@code {"error": "...", "field": null}}, instead of Spring
 * Security's empty body or HTML page.
 */
final class ApiAuthenticationErrors implements AuthenticationEntryPoint, AccessDeniedHandler {

  static final String REALM = "camel-taskqueue";

  @Override
  public void commence(
      HttpServletRequest request, HttpServletResponse response, AuthenticationException reason)
      throws IOException {
    response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
    write(response, 401, "Authentication required (HTTP Basic)");
  }

  @Override
  public void handle(
      HttpServletRequest request, HttpServletResponse response, AccessDeniedException reason)
      throws IOException {
    write(
        response,
        403,
        "Forbidden: "
            + request.getMethod()
            + " "
            + request.getRequestURI()
            + " needs the operator role");
  }

  static void write(HttpServletResponse response, int status, String message) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    response.setStatus(status);
    response.setContentType("application/json");
    response
        .getOutputStream()
        .write(
            ("{\"error\":" + quote(message) + ",\"field\":null}").getBytes(StandardCharsets.UTF_8));
  }

  /** A JSON string of a message we built (a request path may hold quotes or backslashes). */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
