package io.taskqueue.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Counters of the flow's exceptional paths, exported to Prometheus. */
@Component("flowMetrics")
public class FlowMetrics {

  private final Counter staleAttempts;
  private final Counter skippedDeliveries;
  private final Counter givenBack;

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
    this.givenBack =
        Counter.builder("taskqueue.deliveries.given.back")
            .description(
                "Messages a worker put back on its queue as a delayed copy, in the transaction that"
                    + " acknowledged them: task not committed yet, no handler here, node draining")
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

  public void givenBack(int messages) {
    givenBack.increment(messages);
  }

  public double givenBack() {
    return givenBack.count();
  }

  public double skippedDeliveries() {
    return skippedDeliveries.count();
  }
}
