import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording (JDK 17 has no {@code jfr view}): {@code java
 * bench/JfrSummary.java rec.jfr [top] [since]}, since an ISO instant before which events are
 * skipped (bench/profile.sh passes the app's "Started" time, to leave start-up out). Prints, from {@code jdk.ExecutionSample} (threads running
 * Java code): the top self-time methods (top of stack), the library on top of the JDK (first frame
 * from the top that is not java./jdk./sun.), inclusive time of the project's and Camel's methods,
 * and samples per thread (numbers in thread names folded to #); plus GC pauses and CPU load.
 */
public class JfrSummary {

  private static final Pattern DIGITS = Pattern.compile("\\d+");

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    // events before this instant (e.g. the app's "Started" log line) are left out: start-up noise
    java.time.Instant since =
        args.length > 2 ? java.time.Instant.parse(args[2]) : java.time.Instant.EPOCH;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> library = new HashMap<>();
    Map<String, Integer> selfPackage = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> libraryInclusive = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    int gcs = 0;
    Duration gcPause = Duration.ZERO;
    double jvmCpu = 0;
    double machineCpu = 0;
    int cpuEvents = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String name = e.getEventType().getName();
      if (e.getStartTime().isBefore(since)) {
        continue;
      }
      if (name.equals("jdk.GarbageCollection")) {
        gcs++;
        gcPause = gcPause.plus(e.getDuration("sumOfPauses"));
      } else if (name.equals("jdk.CPULoad")) {
        jvmCpu += e.getFloat("jvmUser") + e.getFloat("jvmSystem");
        machineCpu += e.getFloat("machineTotal");
        cpuEvents++;
      } else if (name.equals("jdk.ExecutionSample")) {
        RecordedStackTrace stack = e.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        add(self, method(frames.get(0)));
        add(selfPackage, packageOf(frames.get(0).getMethod()));
        String lib = "(JDK only)";
        for (RecordedFrame f : frames) {
          String type = f.getMethod().getType().getName();
          if (!type.startsWith("java.")
              && !type.startsWith("jdk.")
              && !type.startsWith("sun.")
              && !type.startsWith("com.sun.")) {
            lib = packageOf(f.getMethod());
            break;
          }
        }
        add(library, lib);
        Set<String> libs = new HashSet<>();
        for (RecordedFrame f : frames) {
          libs.add(packageOf(f.getMethod()));
        }
        libs.forEach(l -> add(libraryInclusive, l));
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
          String m = method(f);
          if ((m.startsWith("io.taskqueue.") || m.startsWith("org.apache.camel.")) && seen.add(m)) {
            add(inclusive, m);
          }
        }
        String thread =
            e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
        add(threads, thread == null ? "?" : DIGITS.matcher(thread).replaceAll("#"));
      }
    }
    System.out.printf(
        Locale.ROOT,
        "recording %s: %d CPU samples (jdk.ExecutionSample)%s%n",
        file,
        samples,
        args.length > 2 ? " from " + since : "");
    if (cpuEvents > 0) {
      System.out.printf(
          Locale.ROOT,
          "CPU load (mean of jdk.CPULoad): this JVM %.0f %%, whole machine %.0f %%%n",
          100 * jvmCpu / cpuEvents,
          100 * machineCpu / cpuEvents);
    }
    System.out.printf(
        Locale.ROOT, "GC: %d collections, %d ms of pauses%n", gcs, gcPause.toMillis());
    print("top self-time methods (top of stack)", self, samples, top);
    print("self time by package (top of stack)", selfPackage, samples, top);
    print(
        "library on top of the JDK (first non-java./jdk./sun./com.sun. frame from the top)",
        library,
        samples,
        top);
    print("inclusive time by package (samples with the package anywhere on the stack)",
        libraryInclusive, samples, top);
    print("inclusive time, io.taskqueue and org.apache.camel methods", inclusive, samples, top);
    print("samples per thread (digits folded to #)", threads, samples, top);
  }

  private static void add(Map<String, Integer> counts, String key) {
    counts.merge(key, 1, Integer::sum);
  }

  private static String method(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    return m.getType().getName() + "." + m.getName();
  }

  /** org.apache.X / org.springframework.X / com.fasterxml.X: three parts; otherwise two. */
  private static String packageOf(RecordedMethod m) {
    String[] parts = m.getType().getName().split("\\.");
    int keep =
        parts.length > 3
                && (parts[1].equals("apache")
                    || parts[1].equals("springframework")
                    || parts[1].equals("fasterxml"))
            ? 3
            : 2;
    return String.join(".", java.util.Arrays.copyOf(parts, Math.min(keep, parts.length - 1)));
  }

  private static void print(String title, Map<String, Integer> counts, int total, int top) {
    System.out.println();
    System.out.println("== " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            e ->
                System.out.printf(
                    Locale.ROOT,
                    "%6d %5.1f%%  %s%n",
                    e.getValue(),
                    100.0 * e.getValue() / total,
                    e.getKey()));
  }
}
