package io.taskqueue.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are bounded while they are read: a chunked body far over the limit (no
 * Content-Length, generated as it is sent) is refused with 413 long before it ends, and the 413
 * names the configured limit.
 */
class RequestBodyLimitTest extends TaskQueueTestSupport {

  static final long HUGE = 64L * 1024 * 1024;

  @Test
  void anEndlessChunkedBodyIs413WithinASecond() throws Exception {
    for (String path : new String[] {"/api/tasks", "/api/tasks/batch"}) {
      AtomicLong sent = new AtomicLong();
      long start = System.nanoTime();
      String answer = chunkedPost(path, HUGE, sent);
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(millis).as("ms until the 413 of " + path).isLessThan(3_000);
      // refused after about the limit (plus what the socket buffers held), not after 64 MiB
      assertThat(sent.get()).isLessThan(HUGE);
    }
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  @Test
  void the413NamesTheConfiguredLimit() throws Exception {
    String big = "x".repeat(300_000);
    var response = post("/api/tasks", "{\"type\":\"demo.echo\",\"payload\":\"" + big + "\"}");
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json(response.body()).get("error").asText())
        .contains("taskqueue.payload-max-bytes = 262144");

    String batch = chunkedPost("/api/tasks/batch", HUGE, new AtomicLong());
    assertThat(batch).startsWith("HTTP/1.1 413").contains("taskqueue.batch-max-bytes = 16777216");
  }

  @Test
  void bodiesOfCommandsAreBoundedToo() throws Exception {
    String answer = chunkedPost("/api/tasks/x/cancel", HUGE, new AtomicLong());
    assertThat(answer).startsWith("HTTP/1.1 413");
  }

  /**
   * Sends a chunked POST of {@code total} bytes of JSON-ish filler from another thread and returns
   * the response (status line first).
   */
  private String chunkedPost(String path, long total, AtomicLong sent) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      Thread writer =
          new Thread(
              () -> {
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) ' ');
                chunk[0] = '[';
                byte[] head =
                    (Integer.toHexString(chunk.length) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                  while (sent.get() < total) {
                    out.write(head);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent.addAndGet(chunk.length);
                    chunk[0] = ' ';
                  }
                  out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                  // the server closed the connection after its 413: expected
                }
              });
      writer.setDaemon(true);
      writer.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      // the whole answer: the server closes the connection after its 413
      StringBuilder answer = new StringBuilder();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        answer.append(line).append('\n');
      }
      return answer.toString();
    }
  }
}
