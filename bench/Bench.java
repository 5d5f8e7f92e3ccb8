import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end benchmark client of a running camel-taskqueue (JDK only: {@code java bench/Bench.java
 * --url http://127.0.0.1:8080 --n 20000 --clients 8}). Usually started by {@code bench/run.sh},
 * which starts and stops the app around it.
 *
 * <p>Three ways to offer the load:
 *
 * <ul>
 *   <li><b>single</b> (default): K clients ({@code --clients}) each POST one task per request to
 *       {@code /api/tasks} until N are accepted (closed loop).
 *   <li><b>batch</b> ({@code --batch B}): the K clients POST B tasks per request to {@code
 *       /api/tasks/batch} (closed loop).
 *   <li><b>rate</b> ({@code --rate R --duration S}): open loop. One pacing thread issues task i at
 *       start + i/R seconds with an asynchronous request, whether or not earlier requests have been
 *       answered, so a slow server does not lower the offered load. N = R × S. A safety cap ({@code
 *       --max-in-flight}, 512) bounds the open requests; {@code pacing_lag_max_ms} shows when it
 *       held the schedule back.
 * </ul>
 *
 * <p>Every task is {@code demo.echo} with a tiny payload. After the queue has drained, every task
 * is read ({@code GET /api/tasks/{id}}, and in rate mode also {@code .../history}): latency
 * enqueue→completed = {@code updatedAt − createdAt}, enqueue→start = the {@code at} of the first
 * pending→running transition − {@code createdAt} (all stamped by the server), throughput = N /
 * (last completion − first enqueue). Reading happens after the measured window, so it does not slow
 * the queue down while it is measured. Meanwhile a sampler reads {@code /actuator/prometheus} every
 * second (heap used, and the old generation's share of it) and, with {@code --depth-group G}, the
 * pending depth of group G ({@code GET /api/groups/G}).
 *
 * <p>{@code --enqueue-only}: stop 10 s after the last enqueue, without waiting for the queue to
 * drain (for the heap with a backlog, when the drain would take too long); prints {@code
 * drained=no} and no throughput or latency.
 *
 * <p>Prints one {@code RESULT key=value ...} line. Exits 1 when a task fails, is lost or the run
 * exceeds {@code --timeout} seconds, so CI can run it as a smoke check.
 */
public class Bench {

  private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z_]+)\"");
  private static final Pattern CREATED = Pattern.compile("\"createdAt\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern UPDATED = Pattern.compile("\"updatedAt\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern STARTED =
      Pattern.compile(
          "\"from\"\\s*:\\s*\"pending\"\\s*,\\s*\"to\"\\s*:\\s*\"running\"\\s*,\\s*\"at\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern DEPTH = Pattern.compile("\"depth\"\\s*:\\s*(\\d+)");
  private static final Pattern RUNNING = Pattern.compile("\"running\"\\s*:\\s*(\\d+)");

  private static HttpClient http;
  private static String url;
  private static long deadline;

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Throwable e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      System.out.println("FAILED " + cause);
      cause.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    url = option(args, "--url", "http://127.0.0.1:8080");
    int clients = Integer.parseInt(option(args, "--clients", "8"));
    int batch = Integer.parseInt(option(args, "--batch", "0"));
    double rate = Double.parseDouble(option(args, "--rate", "0"));
    double duration = Double.parseDouble(option(args, "--duration", "30"));
    int n =
        rate > 0
            ? (int) Math.round(rate * duration)
            : Integer.parseInt(option(args, "--n", "20000"));
    String label = option(args, "--label", "");
    String type = option(args, "--type", "demo.echo");
    String depthGroup = option(args, "--depth-group", "");
    boolean history = rate > 0 || Boolean.parseBoolean(option(args, "--history", "false"));
    deadline =
        System.nanoTime()
            + TimeUnit.SECONDS.toNanos(Long.parseLong(option(args, "--timeout", "3600")));
    // heap mode on a slow build: stop after the enqueue instead of waiting for the drain
    boolean enqueueOnly = args.length > 0 && Arrays.asList(args).contains("--enqueue-only");
    String mode = rate > 0 ? (batch > 0 ? "rate-batch" : "rate") : batch > 0 ? "batch" : "single";
    String load =
        String.join("/", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));

    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newFixedThreadPool(Math.max(clients, 4)))
            .build();
    Sampler sampler = new Sampler(depthGroup);
    Thread samplerThread = new Thread(sampler, "sampler");
    samplerThread.setDaemon(true);
    samplerThread.start();

    // 1. enqueue
    String[] ids = new String[n];
    long enqueueStart = System.nanoTime();
    OpenLoop open = null;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    if (rate > 0) {
      open =
          new OpenLoop(
              ids,
              rate,
              Math.max(batch, 1),
              type,
              Integer.parseInt(option(args, "--max-in-flight", "512")));
      open.run();
    } else {
      closedLoop(pool, ids, clients, batch, type);
    }
    double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "enqueued %d tasks in %.1f s (%.0f/s)%n",
        n,
        enqueueSeconds,
        n / enqueueSeconds);

    if (enqueueOnly) {
      // the backlog is at its deepest now: sample a little longer, report, leave the rest
      Thread.sleep(TimeUnit.SECONDS.toMillis(10));
      sampler.stop();
      System.out.println(
          String.format(
                  Locale.ROOT,
                  "RESULT %s mode=%s n=%d clients=%d batch=%d drained=no enqueue_per_s=%.0f"
                      + " heap_max_mb=%.0f old_max_mb=%.0f",
                  label,
                  mode,
                  n,
                  clients,
                  Math.max(batch, 1),
                  n / enqueueSeconds,
                  sampler.heapMax / 1048576.0,
                  sampler.liveMax / 1048576.0)
              + (depthGroup.isEmpty() ? "" : " depth_max=" + sampler.depthMax)
              + " load="
              + load);
      return;
    }

    // 2. wait: poll only the last task while the queue drains (the sampler runs meanwhile)
    while (!"completed".equals(group(STATUS, get("/api/tasks/" + ids[n - 1]).body()))) {
      checkDeadline("the last task to complete");
      Thread.sleep(250);
    }
    sampler.stop();

    // 3. read every task (and its history): after the measured window
    long[] created = new long[n];
    long[] updated = new long[n];
    long[] started = new long[n];
    AtomicInteger notDone = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                  String task = get("/api/tasks/" + ids[i]).body();
                  String status = group(STATUS, task);
                  while (!"completed".equals(status)) {
                    if (!"pending".equals(status) && !"running".equals(status)) {
                      throw new IllegalStateException("task " + ids[i] + " ended " + status);
                    }
                    checkDeadline("task " + ids[i] + " to complete");
                    notDone.incrementAndGet();
                    Thread.sleep(100);
                    task = get("/api/tasks/" + ids[i]).body();
                    status = group(STATUS, task);
                  }
                  created[i] = micros(group(CREATED, task));
                  updated[i] = micros(group(UPDATED, task));
                  if (history) {
                    started[i] =
                        micros(group(STARTED, get("/api/tasks/" + ids[i] + "/history").body()));
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();

    // 4. report
    long first = Arrays.stream(created).min().orElseThrow();
    long last = Arrays.stream(updated).max().orElseThrow();
    double window = (last - first) / 1e6;
    long[] toCompleted = new long[n];
    long[] toStart = new long[n];
    for (int i = 0; i < n; i++) {
      toCompleted[i] = updated[i] - created[i];
      toStart[i] = started[i] - created[i];
    }
    Arrays.sort(toCompleted);
    Arrays.sort(toStart);
    StringBuilder line = new StringBuilder("RESULT");
    if (!label.isEmpty()) {
      line.append(' ').append(label);
    }
    line.append(
        String.format(
            Locale.ROOT,
            " mode=%s n=%d clients=%d batch=%d",
            mode,
            n,
            clients,
            Math.max(batch, 1)));
    line.append(
        String.format(
            Locale.ROOT,
            " tasks_per_s=%.0f enqueue_per_s=%.0f window_s=%.2f",
            n / window,
            n / enqueueSeconds,
            window));
    if (rate > 0) {
      line.append(
          String.format(Locale.ROOT, " rate=%.0f offered_per_s=%.0f", rate, open.offeredRate()));
      line.append(
          String.format(
              Locale.ROOT,
              " start_p50_ms=%.1f start_p95_ms=%.1f start_p99_ms=%.1f start_max_ms=%.1f",
              pct(toStart, 50),
              pct(toStart, 95),
              pct(toStart, 99),
              toStart[n - 1] / 1e3));
    }
    line.append(
        String.format(
            Locale.ROOT,
            " p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f",
            pct(toCompleted, 50),
            pct(toCompleted, 95),
            pct(toCompleted, 99),
            toCompleted[n - 1] / 1e3));
    if (rate > 0) {
      long[] accept = open.acceptMicros();
      line.append(
          String.format(
              Locale.ROOT,
              " accept_p50_ms=%.1f accept_p99_ms=%.1f pacing_lag_max_ms=%.1f",
              pct(accept, 50),
              pct(accept, 99),
              open.maxLagMicros() / 1e3));
    }
    line.append(
        String.format(
            Locale.ROOT,
            " heap_max_mb=%.0f old_max_mb=%.0f",
            sampler.heapMax / 1048576.0,
            sampler.liveMax / 1048576.0));
    if (!depthGroup.isEmpty()) {
      line.append(" depth_max=").append(sampler.depthMax);
    }
    line.append(" load=").append(load);
    System.out.println(line);
    if (notDone.get() > 0) {
      System.out.println("(" + notDone.get() + " task reads found a task not completed yet)");
    }
  }

  /** Single or batch enqueue: K clients, each takes the next task number (or batch) until N. */
  private static void closedLoop(
      ExecutorService pool, String[] ids, int clients, int batch, String type) throws Exception {
    int n = ids.length;
    int step = Math.max(batch, 1);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndAdd(step); i < n; i = next.getAndAdd(step)) {
                  RawHttp client = RAW.get();
                  if (batch == 0) {
                    RawHttp.Answer r = client.post("/api/tasks", task(type, i));
                    expect202(r.status(), r.body());
                    ids[i] = group(ID, r.body());
                  } else {
                    int end = Math.min(n, i + batch);
                    RawHttp.Answer r = client.post("/api/tasks/batch", tasks(type, i, end));
                    expect202(r.status(), r.body());
                    Matcher m = ID.matcher(r.body());
                    for (int j = i; j < end; j++) {
                      if (!m.find()) {
                        throw new IllegalStateException("fewer ids than tasks in " + r.body());
                      }
                      ids[j] = m.group(1);
                    }
                  }
                  checkDeadline("the enqueue");
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
  }

  /**
   * Open loop: task i is sent at start + i/rate, independent of the answers to earlier ones; with
   * {@code --batch K} the tasks go K to a request ({@code POST /api/tasks/batch}), a request every
   * K/rate seconds.
   */
  static final class OpenLoop {
    private final String[] ids;
    private final double rate;
    private final int batch;
    private final String type;
    private final long[] intended;
    private final long[] answered;
    private long maxLag;
    private long sendSeconds;
    private final java.util.concurrent.Semaphore inFlight;

    OpenLoop(String[] ids, double rate, int batch, String type, int maxInFlight) {
      this.inFlight = new java.util.concurrent.Semaphore(maxInFlight);
      this.ids = ids;
      this.rate = rate;
      this.batch = batch;
      this.type = type;
      this.intended = new long[ids.length];
      this.answered = new long[ids.length];
    }

    void run() throws Exception {
      int n = ids.length;
      List<CompletableFuture<?>> sent = new ArrayList<>(n);
      AtomicInteger failed = new AtomicInteger();
      AtomicLong firstError = new AtomicLong(-1);
      String[] error = new String[1];
      long start = System.nanoTime();
      for (int i = 0; i < n; i += batch) {
        long due = start + (long) (i * 1e9 / rate);
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        // a safety cap on open connections: only a server far behind the schedule reaches it, and
        // then the pacing lag (and the accept latency, measured from the intended time) shows it
        inFlight.acquire();
        maxLag = Math.max(maxLag, System.nanoTime() - due);
        int first = i;
        int end = Math.min(n, i + batch);
        String body = batch == 1 ? task(type, i) : tasks(type, i, end);
        for (int j = first; j < end; j++) {
          intended[j] = due;
        }
        sent.add(
            http.sendAsync(
                    request(batch == 1 ? "/api/tasks" : "/api/tasks/batch", body),
                    HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (r, ex) -> {
                      long at = System.nanoTime();
                      inFlight.release();
                      if (ex == null && r.statusCode() == 202) {
                        Matcher m = ID.matcher(r.body());
                        for (int j = first; j < end; j++) {
                          answered[j] = at;
                          ids[j] = m.find() ? m.group(1) : null;
                        }
                      } else {
                        failed.incrementAndGet();
                        if (firstError.compareAndSet(-1, first)) {
                          error[0] = ex != null ? ex.toString() : r.statusCode() + ": " + r.body();
                        }
                      }
                    }));
      }
      sendSeconds = System.nanoTime() - start;
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
          .exceptionally(ex -> null)
          .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (failed.get() > 0) {
        throw new IllegalStateException(failed.get() + " enqueues failed, the first: " + error[0]);
      }
    }

    double offeredRate() {
      return ids.length / (sendSeconds / 1e9);
    }

    long maxLagMicros() {
      return maxLag / 1000;
    }

    /** Intended send time → 202, sorted, in microseconds (includes any wait for a connection). */
    long[] acceptMicros() {
      long[] a = new long[ids.length];
      for (int i = 0; i < a.length; i++) {
        a[i] = (answered[i] - intended[i]) / 1000;
      }
      Arrays.sort(a);
      return a;
    }
  }

  /** Samples heap (and the pending depth of a group) once a second until stopped. */
  static final class Sampler implements Runnable {
    private final String depthGroup;
    private volatile boolean running = true;
    volatile long heapMax;
    volatile long liveMax;
    volatile long depthMax;
    private final long start = System.nanoTime();

    Sampler(String depthGroup) {
      this.depthGroup = depthGroup;
    }

    void stop() {
      running = false;
    }

    @Override
    public void run() {
      int tick = 0;
      while (running) {
        try {
          long heap = 0;
          long live = 0;
          for (String l : get("/actuator/prometheus").body().split("\n")) {
            if (l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\"")) {
              heap += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
              if (l.contains("Old Gen") || l.contains("Tenured")) {
                live += (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
              }
            }
          }
          heapMax = Math.max(heapMax, heap);
          liveMax = Math.max(liveMax, live);
          String depth = "";
          if (!depthGroup.isEmpty()) {
            String g = get("/api/groups/" + depthGroup).body();
            long d = Long.parseLong(group(DEPTH, g));
            depthMax = Math.max(depthMax, d);
            depth = " depth=" + d + " running=" + group(RUNNING, g);
          }
          if (++tick % 10 == 0) {
            System.out.printf(
                Locale.ROOT,
                "t=%ds heap=%dMB old=%dMB%s%n",
                (System.nanoTime() - start) / 1_000_000_000L,
                heap >> 20,
                live >> 20,
                depth);
          }
          Thread.sleep(1000);
        } catch (Exception e) {
          System.out.println("sampler: " + e);
          try {
            Thread.sleep(1000);
          } catch (InterruptedException ie) {
            return;
          }
        }
      }
    }
  }

  private static String task(String type, int i) {
    return "{\"type\":\"" + type + "\",\"payload\":{\"i\":" + i + "}}";
  }

  /** Tasks {@code from} to {@code end} (exclusive) as a JSON array, one batch request's body. */
  private static String tasks(String type, int from, int end) {
    StringBuilder body = new StringBuilder("[");
    for (int j = from; j < end; j++) {
      body.append(j > from ? "," : "").append(task(type, j));
    }
    return body.append(']').toString();
  }

  private static void expect202(int status, String body) {
    if (status != 202) {
      throw new IllegalStateException("enqueue answered " + status + ": " + body);
    }
  }

  /** The closed loop's client: one keep-alive connection per client thread. */
  private static final ThreadLocal<RawHttp> RAW =
      ThreadLocal.withInitial(() -> new RawHttp(URI.create(url)));

  /**
   * A minimal blocking HTTP/1.1 client (one keep-alive connection, Content-Length or chunked
   * answers) for the closed-loop enqueue. The JDK HttpClient costs 1.0 to 1.7 ms of CPU per request
   * here (its selector thread and futures), about a third of what the queue itself spends per task;
   * on a 2-core machine the load generator took CPU from the system it measured. This one costs a
   * few microseconds a request, so the numbers are the queue's.
   */
  static final class RawHttp {
    record Answer(int status, String body) {}

    private final String host;
    private final int port;
    private java.net.Socket socket;
    private java.io.InputStream in;
    private java.io.OutputStream out;

    RawHttp(URI base) {
      this.host = base.getHost();
      this.port = base.getPort() < 0 ? 80 : base.getPort();
    }

    Answer post(String path, String json) throws java.io.IOException {
      byte[] body = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (socket == null) {
        socket = new java.net.Socket(host, port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(120_000);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 16384);
        out = new java.io.BufferedOutputStream(socket.getOutputStream(), 16384);
      }
      String head =
          "POST "
              + path
              + " HTTP/1.1\r\nHost: "
              + host
              + ":"
              + port
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + body.length
              + "\r\n\r\n";
      out.write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      String status = line();
      int code = Integer.parseInt(status.substring(9, 12));
      int length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String h = line(); !h.isEmpty(); h = line()) {
        String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(h.indexOf(':') + 1).trim();
        switch (name) {
          case "content-length" -> length = Integer.parseInt(value);
          case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> {}
        }
      }
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      if (chunked) {
        for (int size = Integer.parseInt(line().split(";")[0].trim(), 16);
            size > 0;
            size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
          answer.write(in.readNBytes(size));
          line(); // the CRLF after the chunk
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers: none expected
        }
      } else if (length > 0) {
        answer.write(in.readNBytes(length));
      }
      if (close) { // Tomcat closes a keep-alive connection after max-keep-alive-requests
        socket.close();
        socket = null;
      }
      return new Answer(code, answer.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private String line() throws java.io.IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new java.io.EOFException("connection closed by the server");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }
  }

  private static void checkDeadline(String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("--timeout passed while waiting for " + what);
    }
  }

  private static double pct(long[] sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e3;
  }

  private static long micros(String iso) {
    Instant t = Instant.parse(iso);
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private static String group(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + pattern + " in " + text);
    }
    return m.group(1);
  }

  private static HttpRequest request(String path, String json) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(120))
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(request(path, json), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
