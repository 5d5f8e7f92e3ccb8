import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end benchmark client of a running camel-taskqueue (JDK only: {@code java
 * bench/Bench.java --url http://127.0.0.1:8080 --n 20000 --clients 8}).
 *
 * <p>Enqueues N no-op tasks ({@code demo.echo}, tiny payload) over HTTP from K concurrent clients,
 * waits until every one is completed, then reads each task's {@code createdAt} and {@code
 * updatedAt}: latency = enqueue→completed as stamped by the server, throughput = N / (last
 * completion − first enqueue). Reading the tasks happens after the measured window, so it does not
 * slow the queue down while it is measured (only one task is polled meanwhile).
 */
public class Bench {

  private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z_]+)\"");
  private static final Pattern CREATED = Pattern.compile("\"createdAt\":\"([^\"]+)\"");
  private static final Pattern UPDATED = Pattern.compile("\"updatedAt\":\"([^\"]+)\"");
  private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

  private static HttpClient http;
  private static String url;

  public static void main(String[] args) throws Exception {
    url = option(args, "--url", "http://127.0.0.1:8080");
    int n = Integer.parseInt(option(args, "--n", "20000"));
    int clients = Integer.parseInt(option(args, "--clients", "8"));
    String label = option(args, "--label", "");
    String type = option(args, "--type", "demo.echo");
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(Executors.newFixedThreadPool(clients))
            .build();

    // 1. enqueue: K clients, each takes the next task number until N are accepted
    String[] ids = new String[n];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long enqueueStart = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                  String body = "{\"type\":\"" + type + "\",\"payload\":{\"i\":" + i + "}}";
                  HttpResponse<String> r = post("/api/tasks", body);
                  if (r.statusCode() != 202) {
                    throw new IllegalStateException(
                        "enqueue answered " + r.statusCode() + ": " + r.body());
                  }
                  ids[i] = group(ID, r.body());
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double enqueueSeconds = (System.nanoTime() - enqueueStart) / 1e9;
    System.out.printf("enqueued %d tasks in %.1f s (%.0f/s)%n", n, enqueueSeconds, n / enqueueSeconds);

    // 2. wait: poll only the last task while the queue drains, then read every task
    while (!"completed".equals(group(STATUS, get("/api/tasks/" + ids[n - 1]).body()))) {
      Thread.sleep(250);
    }
    long[] created = new long[n];
    long[] updated = new long[n];
    AtomicInteger notDone = new AtomicInteger();
    futures.clear();
    next.set(0);
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
                    notDone.incrementAndGet();
                    Thread.sleep(100);
                    task = get("/api/tasks/" + ids[i]).body();
                    status = group(STATUS, task);
                  }
                  created[i] = micros(group(CREATED, task));
                  updated[i] = micros(group(UPDATED, task));
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();

    // 3. report
    long first = Arrays.stream(created).min().orElseThrow();
    long last = Arrays.stream(updated).max().orElseThrow();
    double window = (last - first) / 1e6;
    long[] latency = new long[n];
    for (int i = 0; i < n; i++) {
      latency[i] = updated[i] - created[i];
    }
    Arrays.sort(latency);
    System.out.printf(
        "RESULT %s n=%d clients=%d throughput=%.0f tasks/s p50=%.1f ms p95=%.1f ms p99=%.1f ms"
            + " max=%.1f ms window=%.2f s enqueue=%.0f/s%n",
        label,
        n,
        clients,
        n / window,
        pct(latency, 50),
        pct(latency, 95),
        pct(latency, 99),
        latency[n - 1] / 1e3,
        window,
        n / enqueueSeconds);
    if (notDone.get() > 0) {
      System.out.println("(" + notDone.get() + " task reads found a task not completed yet)");
    }
    System.exit(0);
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

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
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
