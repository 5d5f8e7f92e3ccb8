package io.taskqueue.ingress;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.EnqueueRoute;
import io.taskqueue.task.InvalidTaskException;
import io.taskqueue.task.TaskRequest;
import io.taskqueue.task.TaskRequestParser;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
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

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NdjsonIngress.class);

  static final String REPORT = "TaskqueueIngressReport";
  static final String FILE_KEY = "TaskqueueFileKey";

  private final TaskRequestParser parser;
  private final EnqueueRoute enqueue;
  private final TaskQueueProperties properties;

  public NdjsonIngress(
      TaskRequestParser parser, EnqueueRoute enqueue, TaskQueueProperties properties) {
    this.parser = parser;
    this.enqueue = enqueue;
    this.properties = properties;
  }

  void start(Exchange exchange) {
    String file = exchange.getProperty(IngressRoute.FILE_NAME, String.class);
    exchange.setProperty(REPORT, new Report(file == null || !file.endsWith(".ndjson")));
    String key = fileKey(exchange);
    if (key != null) {
      exchange.setProperty(FILE_KEY, key);
      // a *.json file's elements get <key>/<index> (EnqueueRoute), NDJSON lines <key>:<line>
      exchange.setProperty(EnqueueRoute.IDEMPOTENCY_KEY, key);
    }
  }

  /**
   * The file's idempotency key: a hash of its name, its modification time and its bytes. A file
   * read again after a crash returns the tasks it created the first time instead of creating them
   * twice, while two different files (even with the same name, size and time) are both enqueued,
   * and a file dropped again later (a new modification time) is new input. Tasks with an {@code
   * idempotencyKey} of their own keep it. Sources without a local file (FTP without a local work
   * copy) hash name, time and size instead; null when the source gives none of these.
   */
  static String fileKey(Exchange exchange) {
    Object name = exchange.getIn().getHeader(Exchange.FILE_NAME);
    Long modified = exchange.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
    Long length = exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
    File local = localFile(exchange);
    if (name == null || (local == null && (modified == null || length == null))) {
      return null;
    }
    MessageDigest digest = sha256();
    digest.update((name + "|" + modified + "|").getBytes(StandardCharsets.UTF_8));
    if (local != null) {
      try (InputStream in = new DigestInputStream(Files.newInputStream(local.toPath()), digest)) {
        in.transferTo(java.io.OutputStream.nullOutputStream()); // streamed: any size
      } catch (IOException e) {
        throw new IllegalStateException("Cannot read " + local + " to hash it: " + e, e);
      }
    } else {
      digest.update(String.valueOf(length).getBytes(StandardCharsets.UTF_8));
    }
    return "file-" + HexFormat.of().formatHex(digest.digest(), 0, 20);
  }

  private static File localFile(Exchange exchange) {
    if (exchange.getIn().getBody() instanceof GenericFile<?> file
        && file.getFile() instanceof File local
        && local.isFile()) {
      return local;
    }
    return null;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Refuses an empty file, and a {@code *.json} file past {@code file-max-bytes}, unread. */
  void checkSize(Exchange exchange) {
    Long length = exchange.getIn().getHeader(Exchange.FILE_LENGTH, Long.class);
    if (length == null) {
      return;
    }
    if (length == 0) {
      throw new InvalidTaskException(
          null, "The file is empty (0 bytes); a task file holds task JSON");
    }
    String file = exchange.getProperty(IngressRoute.FILE_NAME, String.class);
    if (file != null && !file.endsWith(".ndjson") && length > properties.getFileMaxBytes()) {
      throw new InvalidTaskException(
          null,
          "The file has "
              + length
              + " bytes, more than the limit of "
              + properties.getFileMaxBytes()
              + " bytes for a .json file (taskqueue.file-max-bytes); split it, or send it as"
              + " .ndjson (one task per line, any size)",
          413);
    }
  }

  /** The NDJSON body as groups of {@link #CHUNK_LINES} lines, read as the split asks for them. */
  public Iterator<List<Line>> chunks(Exchange exchange) {
    InputStream in = exchange.getIn().getBody(InputStream.class);
    if (in == null) {
      return java.util.Collections.emptyIterator();
    }
    return new LineChunks(in, properties.getNdjsonLineMaxBytes());
  }

  /** One line of an NDJSON file: its number and text, or no text when it was over the limit. */
  public record Line(long number, String text, long bytes) {}

  /** Reads lines of at most {@code maxBytes}; the rest of a longer line is skipped, not kept. */
  static final class LineChunks implements Iterator<List<Line>>, Closeable {
    private final InputStream in;
    private final int maxBytes;
    private long lineNo;
    private boolean eof;
    private List<Line> next;

    LineChunks(InputStream in, int maxBytes) {
      this.in = new BufferedInputStream(in, 65_536);
      this.maxBytes = maxBytes;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !eof) {
        next = read();
      }
      return next != null && !next.isEmpty();
    }

    @Override
    public List<Line> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      List<Line> chunk = next;
      next = null;
      return chunk;
    }

    private List<Line> read() {
      List<Line> chunk = new ArrayList<>(CHUNK_LINES);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      try {
        while (chunk.size() < CHUNK_LINES) {
          line.reset();
          long bytes = 0;
          int b;
          while ((b = in.read()) != -1 && b != '\n') {
            if (bytes++ < maxBytes) {
              line.write(b);
            }
          }
          if (b == -1) {
            eof = true;
            if (bytes == 0) {
              break;
            }
          }
          lineNo++;
          chunk.add(
              new Line(
                  lineNo, bytes > maxBytes ? null : line.toString(StandardCharsets.UTF_8), bytes));
          if (eof) {
            break;
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("Cannot read the file: " + e, e);
      }
      if (eof) {
        close();
      }
      return chunk;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        // nothing left to read anyway
      }
    }
  }

  /** A group of lines in, the valid ones as {@code List<TaskRequest>} out. */
  void parseChunk(Exchange exchange) {
    Report report = report(exchange);
    @SuppressWarnings("unchecked")
    List<Line> lines = exchange.getIn().getBody(List.class);
    List<TaskRequest> valid = new ArrayList<>(lines.size());
    for (Line l : lines) {
      long lineNo = l.number();
      if (l.text() == null) {
        report.lines++;
        report.reject(
            "line " + lineNo,
            new InvalidTaskException(
                null,
                "the line has "
                    + l.bytes()
                    + " bytes, more than the limit of "
                    + properties.getNdjsonLineMaxBytes()
                    + " (taskqueue.ndjson-line-max-bytes)"));
        continue;
      }
      String line =
          l.text().endsWith("\r") ? l.text().substring(0, l.text().length() - 1) : l.text();
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

  /** The number of tasks enqueued from the file so far. */
  long enqueued(Exchange exchange) {
    return report(exchange).enqueued;
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
    String summary =
        exchange.getProperty(IngressRoute.FILE_NAME)
            + ": "
            + report.rejected
            + " rejected, "
            + report.enqueued
            + " enqueued"
            + (report.error == null ? "" : "; " + report.error);
    // expected input: one line, no stack; the .reason file has the details
    LOG.warn("Rejected file {} (see its .reason in the moveFailed folder)", summary);
    RejectedFileException rejected = new RejectedFileException(summary);
    rejected.setStackTrace(new StackTraceElement[0]);
    throw rejected;
  }

  private static Report report(Exchange exchange) {
    return exchange.getProperty(REPORT, Report.class);
  }

  /** What happened to one file (shared by reference with the split's parts). */
  static final class Report {
    /** A {@code *.json} file: all or nothing. */
    final boolean whole;

    long lines;
    long enqueued;
    long rejected;
    String error;
    final List<String> listed = new ArrayList<>();

    Report(boolean whole) {
      this.whole = whole;
    }

    synchronized void reject(String where, InvalidTaskException e) {
      rejected++;
      if (listed.size() < MAX_LISTED) {
        listed.add(where + ": " + (e.field() == null ? "" : e.field() + ": ") + e.getMessage());
      }
    }

    synchronized String text(String file) {
      StringBuilder b = new StringBuilder();
      if (whole) {
        // all or nothing: a rejected .json file enqueued nothing, whatever was valid in it
        b.append(file)
            .append(": 0 task(s) enqueued. A .json file is all or nothing: nothing in it was")
            .append(" enqueued. Fix what is listed below and drop the whole file again.\n");
      } else {
        b.append(file)
            .append(": ")
            .append(enqueued)
            .append(" task(s) enqueued, ")
            .append(rejected)
            .append(" rejected. Every line not listed below was enqueued")
            .append(error == null ? "" : " up to the error")
            .append("; resend only the listed lines")
            .append(error == null ? "" : " and the lines after the error")
            .append(".\n");
      }
      if (error != null) {
        b.append(
                whole
                    ? "Stopped by an error: "
                    : "Stopped by an error (the lines after the last enqueued group were not"
                        + " read): ")
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
