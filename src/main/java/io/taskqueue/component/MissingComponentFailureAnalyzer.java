package io.taskqueue.component;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.NoSuchEndpointException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints a start-up that failed because a route names a scheme no Camel component on the classpath
 * answers to ({@code to: nosuch:thing}) as one paragraph: the route id, the file (and line) it was
 * loaded from, the missing scheme, and where to drop the component's jar ({@code lib/}, README
 * "Bring your own component"). Camel's own exception says the same across a page of route dump.
 */
public class MissingComponentFailureAnalyzer
    extends AbstractFailureAnalyzer<NoSuchEndpointException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, NoSuchEndpointException cause) {
    String uri = cause.getUri();
    String scheme = scheme(uri);
    String routeId = null;
    String location = null;
    for (Throwable t = rootFailure; t != null && t != cause; t = t.getCause()) {
      if (t instanceof FailedToCreateRouteException created) {
        routeId = created.getRouteId();
        location = created.getLocation();
      } else if (t instanceof FailedToStartRouteException started && routeId == null) {
        routeId = started.getRouteId();
        location = started.getLocation();
      }
    }
    if (location == null) {
      location = RouteSources.locationOf(routeId);
    }
    String description =
        ("Route '%s' in %s names the scheme '%s' (endpoint %s), but no Camel component with"
                + " the scheme '%s' is on the classpath.")
            .formatted(
                routeId == null ? "(unknown)" : routeId,
                location == null ? "(a file Camel did not name)" : file(location),
                scheme,
                uri,
                scheme);
    String action =
        ("Drop the jar of the Camel component that provides '%s' (and the jars it needs that the"
                + " server does not bring) into the lib/ folder of the working directory, or the"
                + " folder loader.path / LOADER_PATH names, and start again (README, section Bring"
                + " your own component (lib/)). Or correct the scheme in the route.")
            .formatted(scheme);
    return new FailureAnalysis(description, action, cause);
  }

  /** The scheme of an endpoint URI: what comes before the first colon. */
  static String scheme(String uri) {
    if (uri == null) {
      return "(unknown)";
    }
    int colon = uri.indexOf(':');
    return colon > 0 ? uri.substring(0, colon) : uri;
  }

  /** Camel's source location ({@code file:routes/x.camel.yaml:12}) as a file and a line. */
  static String file(String location) {
    String file = location.startsWith("file:") ? location.substring("file:".length()) : location;
    int colon = file.lastIndexOf(':');
    if (colon > 0 && file.substring(colon + 1).chars().allMatch(Character::isDigit)) {
      return file.substring(0, colon) + " (line " + file.substring(colon + 1) + ")";
    }
    return file;
  }
}
