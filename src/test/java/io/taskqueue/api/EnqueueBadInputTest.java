package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.BrokerProbe;
import io.taskqueue.support.TaskQueueTestSupport;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Generated malformed requests to POST /api/tasks and /api/tasks/batch all answer 4xx and create
 * nothing; valid payloads full of SQL metacharacters and Unicode come back byte for byte; client
 * headers named Camel* or Task* steer nothing.
 */
class EnqueueBadInputTest extends TaskQueueTestSupport {

  static final String VALID =
      "{\"type\":\"demo.echo\",\"payload\":{\"a\":[1,2,{\"b\":null}]},\"priority\":3}";

  /** Field values that must each be refused, by field. */
  static final Map<String, List<String>> BAD_VALUES =
      Map.of(
          "type",
          List.of(
              "1",
              "true",
              "null",
              "[]",
              "{}",
              "\"\"",
              "\"UPPER\"",
              "\"a b\"",
              "\"a\\u0001b\"",
              "\"x'; DROP TABLE tasks; --\"",
              "\"" + "a".repeat(101) + "\"",
              "\"ümlaut\"",
              "\"" + "x".repeat(100_000) + "\"",
              "\"../../etc/passwd\"",
              "\"a\\u0000\""),
          "priority",
          List.of(
              "-1",
              "10",
              "4.5",
              "4.0",
              "1e2",
              "\"4\"",
              "true",
              "[4]",
              "{}",
              "2147483648",
              "-0.5",
              "99999999999999999999",
              "null"),
          "maxAttempts",
          List.of("0", "-3", "101", "1.5", "\"3\"", "[]", "false"),
          "runAt",
          List.of("\"tomorrow\"", "123", "\"2026-01-01\"", "\"2026-01-01T00:00:00\"", "[]", "true"),
          "group",
          List.of("1", "\"nope\"", "\"UPPER\"", "\"'; DELETE FROM tasks; --\"", "[]", "\"\""),
          "idempotencyKey",
          List.of("\"\"", "1", "\"" + "k".repeat(201) + "\"", "\"a\\u0007b\"", "[]", "{}"),
          "TaskGroup",
          List.of("\"default\""),
          "__proto__",
          List.of("{}"),
          "extra",
          List.of("1", "\"x\""));

  @Autowired EmbeddedActiveMQ embedded;

  @Test
  void malformedRequestsAnswer4xxAndCreateNothing() throws Exception {
    BrokerProbe broker = new BrokerProbe(embedded);
    long before = broker.groupMessagesAdded();
    List<BadRequest> requests = generate(new Random(20261128));
    assertThat(requests.size()).isGreaterThanOrEqualTo(1000);

    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (BadRequest r : requests) {
        answers.add(clients.submit(() -> r.post(this)));
      }
      for (int i = 0; i < answers.size(); i++) {
        HttpResponse<String> answer = answers.get(i).get();
        assertThat(answer.statusCode())
            .as("%s answered %s", requests.get(i), answer.body())
            .isBetween(400, 499);
        assertThat(json(answer.body()).has("error")).as(answer.body()).isTrue();
      }
    } finally {
      clients.shutdownNow();
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
    assertThat(count("SELECT COUNT(*) FROM task_history")).isZero();
    assertThat(broker.groupMessagesAdded()).isEqualTo(before);
  }

  @Test
  void sqlMetacharactersAndUnicodeComeBackByteForByte() {
    String payload =
        "{ \"q\" : \"x'; DROP TABLE tasks; --\", \"dq\":\"\\\"quoted\\\"\", \"bs\":\"C:\\\\dir\","
            + " \"emoji\":\"😀🚀👩‍💻\", \"rtl\":\"مرحبا \u202eabc\", \"nul\":\"a\\u0000b\","
            + " \"ctl\":\"\\u0001\\t\\n\", \"tpl\":\"${header.TaskGroup} {{x}} :#TaskId %s\","
            + " \"n\": 1.50e3, \"arr\":[ ] }";
    String id = enqueue("{\"type\":\"demo.echo\",\"payload\":" + payload + "}");

    HttpResponse<String> answer = get("/api/tasks/" + id);
    assertThat(answer.body()).contains("\"payload\":" + payload + ",");
    assertThat(jdbc.queryForObject("SELECT payload FROM tasks", String.class)).isEqualTo(payload);
    awaitStatus(id, "completed");
  }

  @Test
  void camelAndTaskHeadersSteerNothing() {
    HttpResponse<String> answer =
        post(
            "/api/tasks",
            "{\"type\":\"test.count\"}",
            "application/json",
            Map.of(
                "CamelSqlQuery", "DELETE FROM tasks",
                "CamelJmsDestinationName", "taskqueue.group.default",
                "CamelHttpResponseCode", "500",
                "TaskGroup", "default",
                "TaskId", "00000000-0000-0000-0000-000000000001",
                "TaskPriority", "9"));

    assertThat(answer.statusCode()).isEqualTo(202);
    String id = json(answer.body()).get("id").asText();
    assertThat(id).doesNotStartWith("00000000");
    awaitStatus(id, "completed");
    assertThat(row(id)).containsEntry("resource_group", "test");
    assertThat(((Number) row(id).get("priority")).intValue()).isEqualTo(4);
  }

  @Test
  void malformedRequestsOfEveryOtherKindAnswer4xx() throws Exception {
    String unknown = "0190f5c2-0000-7000-8000-000000000000";
    List<String[]> requests =
        List.of(
            new String[] {"GET", "/api/tasks?cursor=", null},
            new String[] {"GET", "/api/tasks?cursor=%25", null},
            new String[] {"GET", "/api/tasks?limit=abc", null},
            new String[] {"GET", "/api/tasks?limit=-1", null},
            new String[] {"GET", "/api/tasks?limit=99999999999", null},
            new String[] {"GET", "/api/tasks?limit=1&limit=2", null},
            new String[] {"GET", "/api/tasks?status=bogus", null},
            new String[] {"GET", "/api/tasks?nope=1", null},
            new String[] {"GET", "/api/tasks/export?status=bogus", null},
            new String[] {"GET", "/api/tasks/not-a-uuid", null},
            new String[] {"GET", "/api/tasks/not-a-uuid/history", null},
            new String[] {"GET", "/api/tasks/" + unknown, null},
            new String[] {"GET", "/api/groups/NOPE", null},
            new String[] {"GET", "/api/nothing-here", null},
            new String[] {"PUT", "/api/tasks", VALID},
            new String[] {"DELETE", "/api/tasks/" + unknown, null},
            new String[] {"POST", "/api/tasks/" + unknown + "/retry", null},
            new String[] {"POST", "/api/tasks/" + unknown + "/cancel", "{\"x\":1}"},
            new String[] {"POST", "/api/tasks", "[" + VALID + "]"},
            new String[] {"POST", "/api/tasks", "\uFEFF" + VALID},
            new String[] {
              "POST", "/api/tasks", "{\"type\":\"a\",\"runAt\":\"9999-01-01T00:00:00Z\"}"
            },
            new String[] {
              "POST", "/api/tasks", "{\"type\":\"a\",\"runAt\":\"+99999-01-01T00:00:00Z\"}"
            },
            new String[] {"POST", "/api/tasks/batch", "[]"},
            new String[] {"POST", "/api/tasks/batch", "[" + VALID + ",]"},
            new String[] {"POST", "/api/tasks/batch", "[[" + VALID + "]]"},
            new String[] {"POST", "/api/tasks", ""});
    for (String[] r : requests) {
      java.net.http.HttpRequest.Builder request =
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(url(r[1])))
              .method(
                  r[0],
                  r[2] == null
                      ? java.net.http.HttpRequest.BodyPublishers.noBody()
                      : java.net.http.HttpRequest.BodyPublishers.ofString(r[2]));
      if (r[2] != null) {
        request.header("Content-Type", "application/json");
      }
      HttpResponse<String> answer = send(request.build());
      assertThat(answer.statusCode())
          .as("%s %s answered %s", r[0], r[1], answer.body())
          .isBetween(400, 499);
    }
    // a long Idempotency-Key header, and one reused for another request
    assertThat(
            post(
                    "/api/tasks",
                    VALID,
                    "application/json",
                    Map.of("Idempotency-Key", "k".repeat(300)))
                .statusCode())
        .isEqualTo(400);
    // a query the client did not encode (sent raw: java.net.URI refuses to build it)
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket
          .getOutputStream()
          .write(
              "GET /api/tasks?status=%ZZ&x=<> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String status =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(
                      socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
              .readLine();
      assertThat(status).matches("HTTP/1.1 4\\d\\d.*");
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  /** One generated request: path, body, content type, extra headers. */
  record BadRequest(String path, String body, String contentType, Map<String, String> headers) {
    HttpResponse<String> post(EnqueueBadInputTest test) {
      return test.post(path, body, contentType, headers);
    }

    @Override
    public String toString() {
      return path + " " + contentType + " " + headers + " " + abbreviate(body);
    }
  }

  static List<BadRequest> generate(Random random) {
    List<String> bodies = new ArrayList<>();
    // broken JSON: every truncation of a valid request, and garbage
    for (int cut = 0; cut < VALID.length(); cut++) {
      bodies.add(VALID.substring(0, cut));
    }
    bodies.addAll(
        List.of(
            "",
            " ",
            "null",
            "42",
            "\"str\"",
            "true",
            "{",
            "}",
            "{{}}",
            "{\"type\":}",
            "{'type':'a'}",
            "{\"type\":\"demo.echo\",}",
            "{\"type\":\"demo.echo\"} {}",
            "{\"type\":\"demo.echo\"}]",
            "{\"type\":\"demo.echo\",\"type\":\"demo.echo\"}",
            "{\"type\":\"a\u0001b\"}",
            "{\"type\":\"demo.echo\",\"payload\":\"raw\u0000nul\"}",
            "\uFEFF{}",
            "[[]]",
            "[null]",
            "[1,2]",
            "[]",
            "[{\"type\":\"demo.echo\"},]",
            "{\"payload\":{}}",
            "{\"type\":\"demo.echo\",\"payload\":\"" + "p".repeat(300_000) + "\"}"));
    // wrong types and values, one bad field in an otherwise valid task
    BAD_VALUES.forEach(
        (field, values) -> {
          for (String v : values) {
            bodies.add("{\"type\":\"demo.echo\",\"" + field + "\":" + v + "}");
          }
        });
    // random damage to a structural character of the envelope (never inside the payload, where
    // a changed character may still be valid JSON): always malformed
    String damage = "{}[]';\\\u0000\u0007 x";
    List<Integer> structural = new ArrayList<>();
    int payloadStart = VALID.indexOf("{\"a\"");
    int payloadEnd = VALID.indexOf("},\"priority\"") + 1;
    for (int i = 0; i < VALID.length(); i++) {
      if ((i < payloadStart || i >= payloadEnd) && "{}\":,".indexOf(VALID.charAt(i)) >= 0) {
        structural.add(i);
      }
    }
    for (int i = 0; i < 500; i++) {
      char[] chars = VALID.toCharArray();
      chars[structural.get(random.nextInt(structural.size()))] =
          damage.charAt(random.nextInt(damage.length()));
      String damaged = new String(chars);
      if (!damaged.equals(VALID)) {
        bodies.add(damaged);
      }
    }

    List<BadRequest> requests = new ArrayList<>();
    for (String body : bodies) {
      boolean isArray = body.startsWith("[");
      // each malformed task alone, and as element k of an otherwise valid batch
      requests.add(
          new BadRequest(
              isArray ? "/api/tasks/batch" : "/api/tasks",
              body,
              "application/json",
              steering(random)));
      if (!isArray && !body.isBlank()) {
        int k = random.nextInt(4);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 4; i++) {
          batch.append(i == 0 ? "" : ",").append(i == k ? body : VALID);
        }
        requests.add(
            new BadRequest(
                "/api/tasks/batch",
                batch.append(']').toString(),
                "application/json",
                steering(random)));
      }
    }
    // a valid body under a wrong content type
    for (String type :
        List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "json")) {
      requests.add(new BadRequest("/api/tasks", VALID, type, Map.of()));
      requests.add(new BadRequest("/api/tasks/batch", "[" + VALID + "]", type, Map.of()));
    }
    requests.add(new BadRequest("/api/tasks", VALID, null, Map.of()));
    return requests;
  }

  /** Headers that try to steer routing; none may matter. */
  static Map<String, String> steering(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> Map.of("CamelSqlQuery", "INSERT INTO tasks (id) VALUES (NULL)");
      case 1 -> Map.of("TaskGroup", "default", "TaskPriority", "9", "TaskToStatus", "completed");
      case 2 ->
          Map.of(
              "CamelHttpResponseCode", "202", "CamelJmsDestinationName", "taskqueue.group.default");
      default -> Map.of();
    };
  }

  private static String abbreviate(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "...(" + s.length() + " chars)" : s;
  }
}
