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
 * The cluster-wide throttle of a group ({@code throttle.scope: cluster}, PostgreSQL): a handler
 * call is let through while fewer than {@code max-requests} calls of the group were let through in
 * the {@code period} before it, counted over every node in {@code throttle_grant} (one row per
 * call, database clock) under a per-group advisory lock. A call over the limit waits a fraction of
 * the period and asks again. The same rule as the throttle EIP on one node: in any window of one
 * period, at most {@code max-requests} calls.
 */
@Component
public class Throttles {

  static final String USED = "ThrottleUsed";

  private final FlowSupport flow;
  private final LazyProducer producer;
  private final Map<String, Long> prunedAt = new ConcurrentHashMap<>();

  public Throttles(FlowSupport flow, CamelContext camel) {
    this.flow = flow;
    this.producer = new LazyProducer(() -> camel);
  }

  /** Waits until the group's cluster-wide throttle lets one handler call through. */
  public void acquire(String group, GroupSettings.Throttle throttle) throws InterruptedException {
    long period = Math.max(1, throttle.getPeriod().toMillis());
    long pause = Math.max(1, period / Math.max(1, throttle.getMaxRequests()));
    while (true) {
      long now = flow.now().toEpochMilli();
      Map<String, Object> headers = new HashMap<>();
      headers.put(TaskConstants.GROUP, group);
      headers.put("ThrottleNow", now);
      headers.put("ThrottleSince", now - period);
      headers.put("ThrottleMax", throttle.getMaxRequests());
      Exchange granted =
          producer.get().request(Endpoints.THROTTLE_PERMIT, e -> e.getIn().setHeaders(headers));
      LazyProducer.rethrow(granted);
      prune(group, now, period);
      if (granted.getMessage().getHeader(USED) != null) {
        return;
      }
      Thread.sleep(pause);
    }
  }

  /** At most once a period per group: the grants older than ten periods go. */
  private void prune(String group, long now, long period) {
    Long last = prunedAt.get(group);
    if (last == null || now - last >= period) {
      prunedAt.put(group, now);
      Map<String, Object> headers = new HashMap<>();
      headers.put(TaskConstants.GROUP, group);
      headers.put("ThrottleSince", now - 10 * period);
      producer.get().sendBodyAndHeaders(Endpoints.THROTTLE_PRUNE, null, headers);
    }
  }
}
