package io.taskqueue.task;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates enqueue requests: one JSON object, or an array of them for batches.
 *
 * <p>The payload is kept as the exact text the client sent (a slice of the input), so what is
 * stored and returned is the client's JSON byte for byte. Every error names the field at fault.
 */
public class TaskRequestParser {

  public static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");
  static final int MAX_IDEMPOTENCY_KEY = 200;
  static final int MAX_ATTEMPTS_LIMIT = 100;
  private static final Set<String> FIELDS =
      Set.of("type", "payload", "priority", "group", "runAt", "maxAttempts", "idempotencyKey");

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private final int payloadMaxBytes;
  private final int batchMaxTasks;
  private final Duration runAtHorizon;
  private final Clock clock;

  /** A parser with the default batch count (10,000) and {@code runAt} horizon (365 days). */
  public TaskRequestParser(int payloadMaxBytes) {
    this(payloadMaxBytes, 10_000, Duration.ofDays(365), Clock.systemUTC());
  }

  /**
   * @param payloadMaxBytes largest payload ({@code taskqueue.payload-max-bytes})
   * @param batchMaxTasks most tasks in one array ({@code taskqueue.batch-max-tasks})
   * @param runAtHorizon latest {@code runAt} from now ({@code taskqueue.run-at-horizon})
   * @param clock the clock the horizon is counted from
   */
  public TaskRequestParser(
      int payloadMaxBytes, int batchMaxTasks, Duration runAtHorizon, Clock clock) {
    this.payloadMaxBytes = payloadMaxBytes;
    this.batchMaxTasks = batchMaxTasks;
    this.runAtHorizon = runAtHorizon;
    this.clock = clock;
  }

  /** Parses one task object. */
  public TaskRequest parseOne(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidTaskException(null, "The request body is empty; send a JSON object");
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidTaskException(null, "The request body must be a JSON object");
      }
      TaskRequest request = readObject(p, json, null);
      if (p.nextToken() != null) {
        throw new InvalidTaskException(null, "Unexpected content after the JSON object");
      }
      return request;
    } catch (JsonParseException e) {
      throw new InvalidTaskException(null, "Malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidTaskException(null, "Unreadable JSON: " + e.getMessage());
    }
  }

  /** Parses a JSON array of task objects (or a single object, as a batch of one). */
  public List<TaskRequest> parseMany(String json) {
    if (json == null || json.isBlank()) {
      throw new InvalidTaskException(null, "The request body is empty; send a JSON array");
    }
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken first = p.nextToken();
      List<TaskRequest> requests = new ArrayList<>();
      if (first == JsonToken.START_OBJECT) {
        requests.add(readObject(p, json, null));
      } else if (first == JsonToken.START_ARRAY) {
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t != JsonToken.START_OBJECT) {
            throw new InvalidTaskException("[" + index + "]", "Each element must be a JSON object");
          }
          if (index >= batchMaxTasks) {
            // checked while reading: a huge array is refused at element batchMaxTasks + 1
            throw new InvalidTaskException(
                null,
                "A batch holds at most "
                    + batchMaxTasks
                    + " tasks (taskqueue.batch-max-tasks); split it",
                413);
          }
          requests.add(readObject(p, json, "[" + index + "]."));
          index++;
        }
      } else {
        throw new InvalidTaskException(null, "The request body must be a JSON array of tasks");
      }
      if (p.nextToken() != null) {
        throw new InvalidTaskException(null, "Unexpected content after the JSON array");
      }
      if (requests.isEmpty()) {
        throw new InvalidTaskException(null, "The batch is empty");
      }
      return requests;
    } catch (JsonParseException e) {
      throw new InvalidTaskException(null, "Malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidTaskException(null, "Unreadable JSON: " + e.getMessage());
    }
  }

  /** Reads the fields of an object whose START_OBJECT the parser is on. */
  private TaskRequest readObject(JsonParser p, String json, String prefix) throws IOException {
    String type = null;
    String payload = null;
    Integer priority = null;
    String group = null;
    Instant runAt = null;
    Integer maxAttempts = null;
    String idempotencyKey = null;
    Set<String> seen = new HashSet<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      String name = prefix == null ? field : prefix + field;
      if (!FIELDS.contains(field)) {
        throw new InvalidTaskException(
            name, "Unknown field '" + printable(field) + "'; allowed: " + FIELDS);
      }
      seen.add(field);
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> type = string(p, value, name);
        case "payload" -> {
          int start = (int) p.currentTokenLocation().getCharOffset();
          if (value.isScalarValue()) {
            p.finishToken(); // scalars are read lazily: finish it so the location is past it
          } else {
            p.skipChildren();
          }
          int end = (int) p.currentLocation().getCharOffset();
          payload = json.substring(start, end);
        }
        case "priority" -> priority = integer(p, value, name, 0, 9);
        case "group" -> group = value == JsonToken.VALUE_NULL ? null : string(p, value, name);
        case "runAt" -> runAt = value == JsonToken.VALUE_NULL ? null : runAt(p, value, name);
        case "maxAttempts" ->
            maxAttempts =
                value == JsonToken.VALUE_NULL
                    ? null
                    : integer(p, value, name, 1, MAX_ATTEMPTS_LIMIT);
        case "idempotencyKey" ->
            idempotencyKey = value == JsonToken.VALUE_NULL ? null : string(p, value, name);
        default -> throw new IllegalStateException("unreachable: " + field);
      }
    }
    String typeField = prefix == null ? "type" : prefix + "type";
    if (type == null) {
      throw new InvalidTaskException(typeField, "type is required");
    }
    if (!TYPE.matcher(type).matches()) {
      throw new InvalidTaskException(
          typeField,
          "type must match " + TYPE.pattern() + " (lower case letters, digits, '.', '_', '-')");
    }
    if (payload == null) {
      payload = "null";
    }
    if (payload.getBytes(StandardCharsets.UTF_8).length > payloadMaxBytes) {
      throw new InvalidTaskException(
          prefix == null ? "payload" : prefix + "payload",
          "payload is larger than the limit of "
              + payloadMaxBytes
              + " bytes (taskqueue.payload-max-bytes)",
          413);
    }
    if (idempotencyKey != null) {
      validateIdempotencyKey(
          idempotencyKey, prefix == null ? "idempotencyKey" : prefix + "idempotencyKey");
    }
    if (group != null && !io.taskqueue.group.ResourceGroups.NAME.matcher(group).matches()) {
      throw new InvalidTaskException(
          prefix == null ? "group" : prefix + "group", "group is not a valid group name");
    }
    return new TaskRequest(type, payload, priority, group, runAt, maxAttempts, idempotencyKey);
  }

  /** Checks a client idempotency key (body field or header). */
  public static void validateIdempotencyKey(String key, String field) {
    if (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
      throw new InvalidTaskException(
          field, "idempotencyKey must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        throw new InvalidTaskException(field, "idempotencyKey must not contain control characters");
      }
    }
  }

  private static String string(JsonParser p, JsonToken value, String name) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidTaskException(name, name + " must be a string");
    }
    return p.getText();
  }

  private static Integer integer(JsonParser p, JsonToken value, String name, int min, int max)
      throws IOException {
    if (value != JsonToken.VALUE_NUMBER_INT) {
      throw new InvalidTaskException(
          name, name + " must be a whole number from " + min + " to " + max);
    }
    if (p.getNumberType() != JsonParser.NumberType.INT
        || p.getIntValue() < min
        || p.getIntValue() > max) {
      throw new InvalidTaskException(name, name + " must be from " + min + " to " + max);
    }
    return p.getIntValue();
  }

  private Instant runAt(JsonParser p, JsonToken value, String name) throws IOException {
    Instant runAt = instant(p, value, name);
    Instant latest = clock.instant().plus(runAtHorizon);
    if (runAt.isAfter(latest)) {
      throw new InvalidTaskException(
          name,
          name
              + " is more than "
              + runAtHorizon
              + " ahead (taskqueue.run-at-horizon); the latest accepted now is "
              + latest);
    }
    return runAt;
  }

  private static Instant instant(JsonParser p, JsonToken value, String name) throws IOException {
    if (value != JsonToken.VALUE_STRING) {
      throw new InvalidTaskException(
          name, name + " must be an ISO-8601 timestamp such as 2026-01-31T12:00:00Z");
    }
    String text = p.getText();
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new InvalidTaskException(
          name, name + " must be an ISO-8601 timestamp with offset, such as 2026-01-31T12:00:00Z");
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 64; i++) {
      char c = s.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    return b.toString();
  }
}
