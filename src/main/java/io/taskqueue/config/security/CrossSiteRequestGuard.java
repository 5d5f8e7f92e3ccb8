package io.taskqueue.config.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses state-changing requests (anything but GET, HEAD, OPTIONS, TRACE) that a browser sent on
 * behalf of another site: the API has no CSRF token (it is a stateless JSON API for programs), but
 * a browser in which someone once typed the Basic credentials, or any browser when the open dev
 * default listens on localhost, would otherwise send a cross-site form POST to {@code
 * /api/groups/x/pause} with the user's authority.
 *
 * <p>Browsers label every request with {@code Sec-Fetch-Site}; only {@code same-origin} and {@code
 * none} (typed in the address bar) pass. Browsers too old for it send {@code Origin} with every
 * POST: it must name the host the request went to. Programs (curl, HTTP clients, other services)
 * send neither header and are not affected.
 */
final class CrossSiteRequestGuard extends OncePerRequestFilter {

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
  private static final Set<String> SAME_SITE_FETCH = Set.of("same-origin", "none");

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return SAFE_METHODS.contains(request.getMethod());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (crossSite(request)) {
      ApiAuthenticationErrors.write(
          response,
          403,
          "Cross-site request refused: "
              + request.getMethod()
              + " "
              + request.getRequestURI()
              + " was sent by a page of another origin");
      return;
    }
    chain.doFilter(request, response);
  }

  static boolean crossSite(HttpServletRequest request) {
    String fetchSite = request.getHeader("Sec-Fetch-Site");
    if (fetchSite != null) {
      return !SAME_SITE_FETCH.contains(fetchSite.trim().toLowerCase(Locale.ROOT));
    }
    String origin = request.getHeader("Origin");
    if (origin == null) {
      return false; // not sent by a browser
    }
    String host = request.getHeader("Host");
    try {
      URI uri = URI.create(origin.trim());
      String authority = uri.getRawAuthority();
      return authority == null || host == null || !authority.equalsIgnoreCase(host.trim());
    } catch (IllegalArgumentException e) {
      return true; // "null" (a sandboxed page) or garbage
    }
  }
}
