package io.taskqueue.config;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP Basic authentication for the API and the actuator when {@code taskqueue.security.enabled}
 * (the {@code prod} profile turns it on). Only {@code /actuator/health} stays open, for probes. The
 * embedded development default leaves it off and listens on 127.0.0.1 only.
 */
@Component
@ConditionalOnProperty(name = "taskqueue.security.enabled", havingValue = "true")
public class ApiSecurityFilter extends OncePerRequestFilter {

  private final byte[] expected;

  public ApiSecurityFilter(TaskQueueProperties properties) {
    TaskQueueProperties.Security security = properties.getSecurity();
    if (security.getPassword() == null || security.getPassword().isBlank()) {
      throw new IllegalStateException(
          "taskqueue.security.enabled is true but taskqueue.security.password is empty: set"
              + " TASKQUEUE_SECURITY_USERNAME and TASKQUEUE_SECURITY_PASSWORD");
    }
    String pair = security.getUsername() + ":" + security.getPassword();
    this.expected =
        ("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
            .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = request.getRequestURI();
    return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String header = request.getHeader("Authorization");
    if (header != null
        && MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(401);
    response.setHeader("WWW-Authenticate", "Basic realm=\"camel-taskqueue\"");
    response.setContentType("application/json");
    response
        .getOutputStream()
        .write(
            "{\"error\":\"Authentication required\",\"field\":null}"
                .getBytes(StandardCharsets.UTF_8));
  }
}
