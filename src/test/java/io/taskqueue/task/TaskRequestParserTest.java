package io.taskqueue.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TaskRequestParserTest {

  static final Clock NOW = Clock.fixed(Instant.parse("2029-06-01T00:00:00Z"), ZoneOffset.UTC);

  private final TaskRequestParser parser =
      new TaskRequestParser(1024, 3, Duration.ofDays(365), NOW);

  @Test
  void aRunAtPastTheHorizonIsRefusedNamingTheFieldAndTheSetting() {
    assertThat(parser.parseOne("{\"type\":\"a\",\"runAt\":\"2030-05-31T00:00:00Z\"}").runAt())
        .isEqualTo(Instant.parse("2030-05-31T00:00:00Z"));
    assertThatThrownBy(() -> parser.parseOne("{\"type\":\"a\",\"runAt\":\"2030-06-02T00:00:00Z\"}"))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e -> {
              assertThat(e.field()).isEqualTo("runAt");
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains("PT8760H").contains("taskqueue.run-at-horizon");
            });
    assertThatThrownBy(
            () -> parser.parseMany("[{\"type\":\"a\",\"runAt\":\"9999-01-01T00:00:00Z\"}]"))
        .isInstanceOfSatisfying(
            InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("[0].runAt"));
  }

  @Test
  void aBatchOverTheCountLimitIsRefusedWhileReading() {
    assertThat(parser.parseMany("[{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"}]")).hasSize(3);
    // the fourth element is refused before the (broken) rest is read
    assertThatThrownBy(
            () ->
                parser.parseMany(
                    "[{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"},{\"type\":\"a\"},{{{{"))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.getMessage()).contains("at most 3 tasks (taskqueue.batch-max-tasks)");
            });
  }

  @Test
  void keepsThePayloadTextExactlyAsSent() {
    String payload =
        "{ \"q\" : \"'; DROP TABLE tasks;--\",\"u\":\"\\u00e9 \u00e9 \ud83d\ude80\" ,\"n\":1.50 }";
    TaskRequest request = parser.parseOne("{\"type\":\"a.b\",\"payload\":" + payload + "}");
    assertThat(request.payloadJson()).isEqualTo(payload);
  }

  @Test
  void keepsScalarPayloadsWhole() {
    for (String payload : new String[] {"\"hello \\\" world\"", "42", "-1.5e3", "true", "null"}) {
      assertThat(parser.parseOne("{\"payload\":" + payload + ",\"type\":\"a\"}").payloadJson())
          .isEqualTo(payload);
    }
  }

  @Test
  void readsEveryField() {
    TaskRequest r =
        parser.parseOne(
            "{\"type\":\"email.send\",\"payload\":[1,2],\"priority\":9,\"group\":\"email\","
                + "\"runAt\":\"2030-01-01T00:00:00Z\",\"maxAttempts\":7,\"idempotencyKey\":\"k-1\"}");
    assertThat(r.type()).isEqualTo("email.send");
    assertThat(r.payloadJson()).isEqualTo("[1,2]");
    assertThat(r.priority()).isEqualTo(9);
    assertThat(r.group()).isEqualTo("email");
    assertThat(r.runAt()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    assertThat(r.maxAttempts()).isEqualTo(7);
    assertThat(r.idempotencyKey()).isEqualTo("k-1");
  }

  @Test
  void aMissingPayloadIsJsonNull() {
    assertThat(parser.parseOne("{\"type\":\"a\"}").payloadJson()).isEqualTo("null");
  }

  @Test
  void errorsNameTheField() {
    assertField("{\"type\":\"a\",\"type\":\"b\"}", null);
    assertField("[]", null);
    assertField("{\"type\":\"a\"} {}", null);
    assertField("{\"type\":\"A\"}", "type");
    assertField("{\"type\":\"" + "a".repeat(101) + "\"}", "type");
    assertField("{\"type\":\"a\",\"priority\":3000000000}", "priority");
    assertField("{\"type\":\"a\",\"idempotencyKey\":\"\"}", "idempotencyKey");
    assertField("{\"type\":\"a\",\"idempotencyKey\":\"a\\u0001b\"}", "idempotencyKey");
    assertField("{\"type\":\"a\",\"group\":\"Not A Group\"}", "group");
    assertField("{\"type\":\"a\",\"runAt\":\"2030-01-01T00:00:00\"}", "runAt");
  }

  @Test
  void aPayloadOverTheLimitIs413() {
    assertThatThrownBy(
            () -> parser.parseOne("{\"type\":\"a\",\"payload\":\"" + "x".repeat(1100) + "\"}"))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.field()).isEqualTo("payload");
            });
  }

  @Test
  void batchErrorsNameTheElement() {
    assertThatThrownBy(
            () -> parser.parseMany("[{\"type\":\"a\"},{\"type\":\"b\",\"priority\":11}]"))
        .isInstanceOfSatisfying(
            InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("[1].priority"));
    assertThat(parser.parseMany("[{\"type\":\"a\"},{\"type\":\"b\"}]")).hasSize(2);
  }

  private void assertField(String json, String field) {
    assertThatThrownBy(() -> parser.parseOne(json))
        .isInstanceOfSatisfying(
            InvalidTaskException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.status()).isEqualTo(400);
            });
  }
}
