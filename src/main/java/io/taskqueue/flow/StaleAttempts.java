package io.taskqueue.flow;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Counts attempts whose lease was rescued before they finished: their outcome is discarded. */
@Component
public class StaleAttempts {

  private final Counter counter;

  public StaleAttempts(MeterRegistry registry) {
    this.counter =
        Counter.builder("taskqueue.attempts.stale")
            .description("Attempts that finished after their lease was rescued; outcome discarded")
            .register(registry);
  }

  public void record() {
    counter.increment();
  }

  public double count() {
    return counter.count();
  }
}
