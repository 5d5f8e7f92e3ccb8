package io.taskqueue.api;

import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.util.URISupport;

/**
 * The query parameters of a request, read from the query string itself: platform-http also maps
 * request headers to message headers, so a header named {@code limit} must not act as one. An
 * unknown or repeated parameter is a 400 naming it, so a typo never silently widens a listing.
 */
final class QueryParams {

  private final Map<String, Object> values;

  private QueryParams(Map<String, Object> values) {
    this.values = values;
  }

  static QueryParams of(Exchange exchange, Set<String> allowed) {
    String query = exchange.getIn().getHeader(Exchange.HTTP_QUERY, String.class);
    Map<String, Object> values;
    try {
      values = URISupport.parseQuery(query == null ? "" : query);
    } catch (URISyntaxException e) {
      throw new ApiException(400, "The query string cannot be parsed: " + e.getMessage());
    }
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (!allowed.contains(entry.getKey())) {
        throw new ApiException(
            400,
            "Unknown query parameter '" + entry.getKey() + "'; allowed: " + allowed,
            entry.getKey());
      }
      if (entry.getValue() instanceof Collection<?>) {
        throw new ApiException(
            400,
            "Query parameter '" + entry.getKey() + "' is given more than once",
            entry.getKey());
      }
    }
    return new QueryParams(values);
  }

  /** Whether the parameter is in the query string at all (also as {@code name=}). */
  boolean given(String name) {
    return values.containsKey(name);
  }

  /** The parameter's value, or null when it is absent or empty. */
  String get(String name) {
    Object value = values.get(name);
    if (value == null || value.toString().isEmpty()) {
      return null;
    }
    return value.toString();
  }
}
