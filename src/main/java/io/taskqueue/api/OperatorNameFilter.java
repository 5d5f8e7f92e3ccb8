package io.taskqueue.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the authenticated user's name as the request attribute {@link #ATTRIBUTE} of the bulk
 * commands ({@code POST /api/groups/...}), for their history's reason ("bulk redrive by ops").
 * Spring Security holds the user in a thread-local of the servlet thread; platform-http runs the
 * route on a thread of its own, where only the request object itself is still at hand. Runs after
 * the security filter chain (default filter order); no attribute when the API runs without
 * security.
 */
@Component
public class OperatorNameFilter extends OncePerRequestFilter {

  /** The request attribute holding the user name. */
  public static final String ATTRIBUTE = "io.taskqueue.operator";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equals(request.getMethod())
        || !request.getRequestURI().startsWith("/api/groups/");
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    request.removeAttribute(ATTRIBUTE);
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null
        && auth.isAuthenticated()
        && !(auth instanceof AnonymousAuthenticationToken)
        && auth.getName() != null) {
      request.setAttribute(ATTRIBUTE, auth.getName());
    }
    chain.doFilter(request, response);
  }
}
