package io.taskqueue.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Counters of the flow's exceptional paths, exported to Prometheus. */
@Component("flowMetrics")
public class FlowMetrics {

  private final Counter staleAttempts;
  private final Counter skippedDeliveries;

  public FlowMetrics(MeterRegistry registry) {
    this.staleAttempts =
        Counter.builder("taskqueue.attempts.stale")
            .description("Attempts that finished after their lease was rescued; outcome discarded")
            .register(registry);
    this.skippedDeliveries =
        Counter.builder("taskqueue.deliveries.skipped")
            .description(
                "Deliveries acknowledged without running: duplicates, cancelled or finished tasks")
            .register(registry);
  }

  public void staleAttempt() {
    staleAttempts.increment();
  }

  public void skippedDelivery() {
    skippedDeliveries.increment();
  }

  public double staleAttempts() {
    return staleAttempts.count();
  }

  public double skippedDeliveries() {
    return skippedDeliveries.count();
  }
}
