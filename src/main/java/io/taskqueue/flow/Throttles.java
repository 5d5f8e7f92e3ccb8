package io.taskqueue.flow;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.task.TaskConstants;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The cluster-wide throttle of a group ({@code throttle.scope: cluster}, PostgreSQL): every handler
 * call takes one permit of the current window ({@code period} long, on the database clock) in
 * {@code throttle_window}, with one statement that grants it only while the window has permits
 * left; when it has none the task waits for the next window. All nodes share the count, so the
 * group runs at most {@code max-requests} handlers per period in the whole cluster.
 */
@Component
public class Throttles {

  static final String USED = "ThrottleUsed";

  private final FlowSupport flow;
  private final LazyProducer producer;
  private final Map<String, Long> prunedBefore = new ConcurrentHashMap<>();

  public Throttles(FlowSupport flow, CamelContext camel) {
    this.flow = flow;
    this.producer = new LazyProducer(() -> camel);
  }

  /** Waits until the group's cluster-wide throttle grants one handler call. */
  public void acquire(String group, GroupSettings.Throttle throttle) throws InterruptedException {
    long period = Math.max(1, throttle.getPeriod().toMillis());
    while (true) {
      long now = flow.now().toEpochMilli();
      long window = now - Math.floorMod(now, period);
      Map<String, Object> headers = new HashMap<>();
      headers.put(TaskConstants.GROUP, group);
      headers.put("ThrottleWindow", window);
      headers.put("ThrottleMax", throttle.getMaxRequests());
      Exchange granted =
          producer.get().request(Endpoints.THROTTLE_PERMIT, e -> e.getIn().setHeaders(headers));
      LazyProducer.rethrow(granted);
      prune(group, window, period);
      if (granted.getMessage().getHeader(USED) != null) {
        return;
      }
      Thread.sleep(Math.max(1, window + period - now));
    }
  }

  /** Once per window and group: the windows older than ten periods go. */
  private void prune(String group, long window, long period) {
    Long last = prunedBefore.put(group, window);
    if (last == null || last != window) {
      Map<String, Object> headers = new HashMap<>();
      headers.put(TaskConstants.GROUP, group);
      headers.put("ThrottleWindow", window - 10 * period);
      producer.get().sendBodyAndHeaders(Endpoints.THROTTLE_PRUNE, null, headers);
    }
  }
}
