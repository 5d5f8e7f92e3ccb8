package io.taskqueue.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The HTTP and JSON steps the tests share, failing with an unchecked exception that says why. */
public final class HttpJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpJson() {}

  public static HttpResponse<String> send(HttpClient http, HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static HttpRequest postJson(URI uri, String body) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("Not JSON: " + text, e);
    }
  }

  /** The id of an enqueued task; fails unless the answer is 202. */
  public static String acceptedId(HttpResponse<String> response) {
    if (response.statusCode() != 202) {
      throw new AssertionError(
          "Enqueue answered " + response.statusCode() + ": " + response.body());
    }
    return json(response.body()).get("id").asText();
  }
}
