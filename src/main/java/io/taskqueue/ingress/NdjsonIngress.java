package io.taskqueue.ingress;

import io.taskqueue.flow.EnqueueRoute;
import io.taskqueue.task.InvalidTaskException;
import io.taskqueue.task.TaskRequest;
import io.taskqueue.task.TaskRequestParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.springframework.stereotype.Component;

/**
 * The file ingress' bookkeeping: validates NDJSON files line by line and keeps the report that
 * becomes {@code <name>.reason}.
 *
 * <p>An NDJSON file is read in groups of {@link #CHUNK_LINES} lines; each group's valid lines are
 * enqueued in one transaction, its invalid lines are reported with their line numbers and skipped.
 * So when line 5,000 is invalid, every other line is enqueued, and the file moves to {@code .error}
 * with a {@code .reason} listing line 5,000: nothing accepted is lost, and only the listed lines
 * need resending. A {@code *.json} file is all or nothing, like {@code POST /api/tasks/batch}.
 */
@Component
public class NdjsonIngress {

  /** Lines per transaction (and the most lines in memory at a time). */
  public static final int CHUNK_LINES = 200;

  /**
   * At most this many rejected lines are listed in a {@code .reason} file; the rest are counted.
   */
  static final int MAX_LISTED = 10_000;

  static final String REPORT = "TaskqueueIngressReport";
  static final String FILE_KEY = "TaskqueueFileKey";

  private final TaskRequestParser parser;
  private final EnqueueRoute enqueue;

  public NdjsonIngress(TaskRequestParser parser, EnqueueRoute enqueue) {
    this.parser = parser;
    this.enqueue = enqueue;
  }

  void start(Exchange exchange) {
    exchange.setProperty(REPORT, new Report());
    String key = fileKey(exchange);
    if (key != null) {
      exchange.setProperty(FILE_KEY, key);
      // a *.json file's elements get <key>/<index> (EnqueueRoute), NDJSON lines <key>:<line>
      exchange.setProperty(EnqueueRoute.IDEMPOTENCY_KEY, key);
    }
  }

  /**
   * The file's idempotency key: a hash of its name, size and modification time. A file read again
   * after a crash, or dropped again unchanged, returns the tasks it created the first time instead
   * of creating them twice; a changed file (new time or size) is new input. Tasks with an {@code
   * idempotencyKey} of their own keep it. Null when the source gives no time or size.
   */
  static String fileKey(Exchange exchange) {
    Object name = exchange.getIn().getHeader(Exchange.FILE_NAME);
    Long modified = exchange.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
    Long length = exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
    if (name == null || modified == null || length == null) {
      return null;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((name + "|" + modified + "|" + length).getBytes(StandardCharsets.UTF_8));
      return "file-" + HexFormat.of().formatHex(hash, 0, 20);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** A group of lines in, the valid ones as {@code List<TaskRequest>} out. */
  void parseChunk(Exchange exchange) {
    Report report = report(exchange);
    int chunk = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
    String[] lines = exchange.getIn().getBody(String.class).split("\n", -1);
    List<TaskRequest> valid = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      long lineNo = (long) chunk * CHUNK_LINES + i + 1;
      String line =
          lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
      if (line.isBlank()) {
        continue;
      }
      report.lines++;
      try {
        TaskRequest request = parser.parseOne(line);
        enqueue.checkGroup(request.group(), null);
        String key = exchange.getProperty(FILE_KEY, String.class);
        valid.add(
            key == null || request.idempotencyKey() != null
                ? request
                : request.withIdempotencyKey(key + ":" + lineNo));
      } catch (InvalidTaskException e) {
        report.reject("line " + lineNo, e);
      }
    }
    exchange.getIn().setBody(valid);
  }

  void enqueuedChunk(Exchange exchange) {
    report(exchange).enqueued += exchange.getIn().getBody(List.class).size();
  }

  void acceptedWhole(Exchange exchange) {
    Report report = report(exchange);
    report.enqueued = exchange.getIn().getBody(List.class).size();
    report.lines = report.enqueued;
  }

  void failed(Exchange exchange) {
    Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    InvalidTaskException invalid = ObjectHelper.getException(InvalidTaskException.class, caught);
    Report report = report(exchange);
    if (invalid != null) {
      report.reject("file", invalid);
    } else {
      report.error = String.valueOf(caught);
    }
  }

  boolean hasRejects(Exchange exchange) {
    Report report = report(exchange);
    return report.rejected > 0 || report.error != null;
  }

  String reasonText(Exchange exchange) {
    return report(exchange).text(exchange.getProperty(IngressRoute.FILE_NAME, String.class));
  }

  void rejectFile(Exchange exchange) {
    Report report = report(exchange);
    throw new RejectedFileException(
        exchange.getProperty(IngressRoute.FILE_NAME)
            + ": "
            + report.rejected
            + " rejected, "
            + report.enqueued
            + " enqueued"
            + (report.error == null ? "" : "; " + report.error));
  }

  private static Report report(Exchange exchange) {
    return exchange.getProperty(REPORT, Report.class);
  }

  /** What happened to one file (shared by reference with the split's parts). */
  static final class Report {
    long lines;
    long enqueued;
    long rejected;
    String error;
    final List<String> listed = new ArrayList<>();

    synchronized void reject(String where, InvalidTaskException e) {
      rejected++;
      if (listed.size() < MAX_LISTED) {
        listed.add(where + ": " + (e.field() == null ? "" : e.field() + ": ") + e.getMessage());
      }
    }

    synchronized String text(String file) {
      StringBuilder b = new StringBuilder();
      b.append(file)
          .append(": ")
          .append(enqueued)
          .append(" task(s) enqueued, ")
          .append(rejected)
          .append(" rejected. Everything not listed below was enqueued; resend only these.\n");
      if (error != null) {
        b.append("Stopped by an error (the lines after the last enqueued group were not read): ")
            .append(error)
            .append('\n');
      }
      for (String line : listed) {
        b.append(line).append('\n');
      }
      if (rejected > listed.size()) {
        b.append("... and ").append(rejected - listed.size()).append(" more rejected lines\n");
      }
      return b.toString();
    }
  }

  /** The file had rejected input: the file consumer moves it to its {@code moveFailed} folder. */
  public static class RejectedFileException extends RuntimeException {
    public RejectedFileException(String message) {
      super(message);
    }
  }
}
