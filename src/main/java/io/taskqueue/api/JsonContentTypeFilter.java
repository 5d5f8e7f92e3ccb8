package io.taskqueue.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 415 for a {@code POST /api/tasks...} whose body is not JSON, before Camel sees it.
 *
 * <p>Why a servlet filter and not the route: platform-http parses an {@code
 * application/x-www-form-urlencoded} body into headers before any route step runs, and a body that
 * is not a form (a JSON text) fails there with a 500; with {@code consumes()} in the REST DSL,
 * Spring MVC answers 415 itself in its own error shape instead of the API's {@code {error, field}}.
 */
@Component
public class JsonContentTypeFilter extends OncePerRequestFilter {

  private final ObjectMapper json;

  public JsonContentTypeFilter(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod()) || !request.getRequestURI().startsWith("/api/tasks");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String contentType = request.getContentType();
    boolean bodyless = request.getContentLengthLong() <= 0 && contentType == null;
    if (bodyless || EnqueueApiRoute.isJson(contentType)) {
      chain.doFilter(request, response); // cancel/retry have no body
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", EnqueueApiRoute.notJsonMessage(contentType));
    body.put("field", null);
    response.setStatus(415);
    response.setContentType("application/json");
    response.getOutputStream().write(json.writeValueAsBytes(body));
  }
}
