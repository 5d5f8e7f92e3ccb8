package io.taskqueue.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The file ingress folder: JSON and NDJSON files, .done/.error/.reason, files being written. */
class FileIngressTest extends TaskQueueTestSupport {

  /** Far future: the tasks stay pending (held by the broker) and cost no worker time. */
  static final String LATER =
      "\"runAt\":\"" + java.time.Instant.now().plus(java.time.Duration.ofDays(300)) + "\"";

  Path inbox;
  String name;

  @BeforeEach
  void inbox() throws IOException {
    inbox = Path.of(camel.resolvePropertyPlaceholders("{{taskqueue.inbox-dir}}"));
    Files.createDirectories(inbox);
    name = "t-" + UUID.randomUUID();
  }

  @Test
  void aJsonArrayFileIsEnqueuedAndMovedToDone() throws IOException {
    drop(name + ".json", "[{\"type\":\"test.count\"},{\"type\":\"demo.echo\",\"payload\":\"é\"}]");

    awaitFile(inbox.resolve(".done").resolve(name + ".json"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 2);
    assertThat(
            jdbc.queryForObject("SELECT payload FROM tasks WHERE type = 'demo.echo'", String.class))
        .isEqualTo("\"é\"");
  }

  @Test
  void anInvalidJsonFileMovesToErrorWithItsReasonAndEnqueuesNothing() throws IOException {
    drop(name + ".json", "[{\"type\":\"test.count\"},{\"type\":\"test.count\",\"priority\":-1}]");

    Path reason = inbox.resolve(".error").resolve(name + ".json.reason");
    awaitFile(inbox.resolve(".error").resolve(name + ".json"));
    awaitFile(reason);
    assertThat(Files.readString(reason)).contains("[1].priority").contains("0 task(s) enqueued");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void aLargeNdjsonFileIsStreamedAndItsInvalidLineReported() throws IOException {
    int lines = 20_000;
    Path tmp = inbox.resolve(name + ".ndjson.part"); // not picked up until renamed
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (int i = 1; i <= lines; i++) {
        if (i == 5_000) {
          out.write("{\"type\":\"test.count\",\"priority\":4.5}\n");
        } else if (i == 7_000) {
          out.write("\n"); // blank lines are skipped, but counted for the line numbers
        } else {
          out.write("{\"type\":\"test.count\",\"payload\":{\"line\":" + i + "}," + LATER + "}\n");
        }
      }
    }
    Files.move(tmp, inbox.resolve(name + ".ndjson"));

    Path reason = inbox.resolve(".error").resolve(name + ".ndjson.reason");
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> Files.exists(reason));
    assertThat(Files.readString(reason))
        .contains("19998 task(s) enqueued, 1 rejected")
        .contains("line 5000: priority: priority must be a whole number");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(lines - 2);
    // line numbers survive the groups of lines: the line after the bad one is there
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE payload = '{\"line\":5001}'")).isEqualTo(1);
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE payload = '{\"line\":20000}'")).isEqualTo(1);
  }

  @Test
  void aFileStillBeingWrittenIsNotPickedUp() throws IOException {
    // a JSON array written piece by piece for about 2 s: taken early, it would be malformed
    Path file = inbox.resolve(name + ".json");
    Files.writeString(file, "[{\"type\":\"test.count\"}");
    AtomicInteger pieces = new AtomicInteger();
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    try {
      writer.scheduleAtFixedRate(
          () -> {
            int n = pieces.incrementAndGet();
            append(file, n < 8 ? ",{\"type\":\"test.count\"}" : n == 8 ? "]" : "");
          },
          250,
          250,
          TimeUnit.MILLISECONDS);

      awaitFile(inbox.resolve(".done").resolve(name + ".json"));
      assertThat(pieces.get()).isGreaterThanOrEqualTo(8);
      assertThat(Files.exists(inbox.resolve(".error").resolve(name + ".json"))).isFalse();
      assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(8);
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void aFileReadAgainAfterACrashCreatesNoSecondTasks() throws IOException {
    for (String file : new String[] {name + ".json", name + ".ndjson"}) {
      String content =
          file.endsWith(".json")
              ? "[{\"type\":\"test.count\"},{\"type\":\"test.count\",\"payload\":2}]"
              : "{\"type\":\"test.count\"}\n{\"type\":\"test.count\",\"payload\":2}\n";
      drop(file, content);
      Path done = inbox.resolve(".done").resolve(file);
      awaitFile(done);
      int tasks = count("SELECT COUNT(*) FROM tasks");

      // the same file (name, size, modification time) comes back, as after a crash mid-file
      Path copy = inbox.resolve(file + ".part");
      Files.copy(done, copy, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      Files.delete(done);
      Files.move(copy, inbox.resolve(file)); // a rename keeps the modification time
      awaitFile(done);

      assertThat(count("SELECT COUNT(*) FROM tasks")).as(file).isEqualTo(tasks);
      assertThat(Files.exists(inbox.resolve(".error").resolve(file))).isFalse();
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(4);
  }

  @Test
  void twoDifferentFilesWithTheSameNameSizeAndTimeBothEnqueue() throws IOException {
    java.nio.file.attribute.FileTime time =
        java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L);
    for (String payload : new String[] {"1", "2"}) {
      Path tmp = inbox.resolve(name + ".json.part");
      Files.writeString(tmp, "[{\"type\":\"test.count\",\"payload\":" + payload + "}]");
      Files.setLastModifiedTime(tmp, time);
      int before = count("SELECT COUNT(*) FROM tasks");
      Files.move(tmp, inbox.resolve(name + ".json"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count("SELECT COUNT(*) FROM tasks") == before + 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !Files.exists(inbox.resolve(name + ".json")));
    }
    assertThat(count("SELECT COUNT(*) FROM tasks WHERE payload IN ('1', '2')")).isEqualTo(2);
  }

  @Test
  void anEmptyFileGoesToErrorWithAReasonAndHoldsNothingBack() throws IOException {
    Files.createFile(inbox.resolve(name + "-empty.json"));
    Files.createFile(inbox.resolve(name + "-empty.ndjson"));
    long start = System.nanoTime();
    drop(name + ".json", "{\"type\":\"test.count\"}");

    awaitFile(inbox.resolve(".done").resolve(name + ".json"));
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(8_000);
    for (String empty : new String[] {name + "-empty.json", name + "-empty.ndjson"}) {
      Path reason = inbox.resolve(".error").resolve(empty + ".reason");
      awaitFile(inbox.resolve(".error").resolve(empty));
      awaitFile(reason);
      assertThat(Files.readString(reason)).contains("The file is empty (0 bytes)");
    }
  }

  @Test
  void theReasonOfARejectedJsonFileSaysNothingWasEnqueued() throws IOException {
    drop(name + ".json", "[{\"type\":\"test.count\"},{\"type\":\"BAD\"}]");
    Path reason = inbox.resolve(".error").resolve(name + ".json.reason");
    awaitFile(reason);
    assertThat(Files.readString(reason))
        .contains("nothing in it was enqueued")
        .contains("drop the whole file again")
        .doesNotContain("resend only");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void anNdjsonLineOverTheLimitIsRejectedWhileTheOthersAreEnqueued() throws IOException {
    drop(
        name + ".ndjson",
        "{\"type\":\"test.count\","
            + LATER
            + "}\n"
            + "{\"type\":\"test.count\",\"payload\":\""
            + "x".repeat(400_000)
            + "\"}\n"
            + "{\"type\":\"test.count\","
            + LATER
            + "}\n");
    Path reason = inbox.resolve(".error").resolve(name + ".ndjson.reason");
    awaitFile(reason);
    assertThat(Files.readString(reason))
        .contains("2 task(s) enqueued, 1 rejected")
        .contains("line 2: the line has 400034 bytes")
        .contains("taskqueue.ndjson-line-max-bytes");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(2);
  }

  @Test
  void aJsonFileOverTheLimitIsRejectedUnread() throws IOException {
    Path tmp = inbox.resolve(name + ".json.part");
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      out.write("[");
      String element = "{\"type\":\"test.count\",\"payload\":\"" + "y".repeat(1000) + "\"},";
      for (int i = 0; i < 17_000; i++) {
        out.write(element);
      }
      out.write("{\"type\":\"test.count\"}]");
    }
    Files.move(tmp, inbox.resolve(name + ".json"));
    Path reason = inbox.resolve(".error").resolve(name + ".json.reason");
    awaitFile(reason);
    assertThat(Files.readString(reason)).contains("taskqueue.file-max-bytes");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void aDatabaseOutageLeavesTheFileInTheInboxUntilItIsBack() throws IOException {
    // the tasks table gone is a system failure like a database outage, for the ingress
    jdbc.execute("ALTER TABLE tasks RENAME TO tasks_away");
    try {
      drop(name + ".ndjson", "{\"type\":\"test.count\"," + LATER + "}\n");
      drop(name + ".json", "[{\"type\":\"test.count\"," + LATER + "}]");
      // both are taken and fail (the WARN "Failed delivery ... On delivery attempt" lines), but
      // stay where they are
      await()
          .during(Duration.ofSeconds(4))
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Files.exists(inbox.resolve(name + ".json"))
                      && Files.exists(inbox.resolve(name + ".ndjson"))
                      && !Files.exists(inbox.resolve(".error").resolve(name + ".json")));
    } finally {
      jdbc.execute("ALTER TABLE tasks_away RENAME TO tasks");
    }
    awaitFile(inbox.resolve(".done").resolve(name + ".json"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(inbox.resolve(".done").resolve(name + ".ndjson")));
    assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(2);
    assertThat(Files.exists(inbox.resolve(".error").resolve(name + ".ndjson"))).isFalse();
  }

  private void drop(String file, String content) throws IOException {
    Path tmp = inbox.resolve(file + ".part");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, inbox.resolve(file));
  }

  private static void append(Path file, String text) {
    if (text.isEmpty()) {
      return;
    }
    try (Writer w =
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      w.write(text);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitFile(Path path) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> Files.exists(path));
  }
}
