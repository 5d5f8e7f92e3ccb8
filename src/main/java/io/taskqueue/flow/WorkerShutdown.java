package io.taskqueue.flow;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.RunningAttempts.Attempt;
import io.taskqueue.task.TaskConstants;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Graceful stop of the workers, before Camel and the broker stop (SIGTERM, context close).
 *
 * <ol>
 *   <li>The node takes no new task: further deliveries are rolled back to the broker.
 *   <li>Running handlers get up to {@code taskqueue.shutdown.grace} to finish; their outcome is
 *       written as usual (completed, or a failure with its retry).
 *   <li>Attempts still running then go back to {@code pending} without spending an attempt (fenced,
 *       reason {@code shutdown}); their handlers are interrupted and whatever they return later is
 *       discarded. Another node (or this one after a restart) runs them again.
 * </ol>
 *
 * <p>Its phase is above Camel's, so Spring stops it first, while routes, broker and database are
 * all still up. Keep {@code camel.main.shutdown-timeout} and {@code
 * spring.lifecycle.timeout-per-shutdown-phase} at least as long as the grace (plus a few seconds),
 * and an orchestrator's kill timeout (Kubernetes {@code terminationGracePeriodSeconds}) longer than
 * both.
 */
@Component
public class WorkerShutdown implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerShutdown.class);

  private final RunningAttempts attempts;
  private final TaskQueueProperties properties;
  private final ApplicationContext context;
  private volatile boolean running;

  /**
   * Takes the application context, not the CamelContext: a lifecycle bean's dependencies are
   * started before it, and a CamelContext started that early misses the routes Camel Spring Boot
   * adds when the context is refreshed.
   */
  public WorkerShutdown(
      RunningAttempts attempts, TaskQueueProperties properties, ApplicationContext context) {
    this.attempts = attempts;
    this.properties = properties;
    this.context = context;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    attempts.startDraining();
    Duration grace = properties.getShutdown().getGrace();
    try {
      if (attempts.count() > 0) {
        LOG.info(
            "Stopping: waiting up to {} for {} running handler(s) to finish",
            grace,
            attempts.count());
      }
      if (!attempts.awaitIdle(grace)) {
        releaseRemaining();
        attempts.awaitIdle(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      releaseRemaining();
    }
  }

  private void releaseRemaining() {
    List<Attempt> remaining = attempts.snapshot();
    if (remaining.isEmpty()) {
      return;
    }
    LOG.warn(
        "Stopping: {} handler(s) still running after the grace period of {}; their tasks go back"
            + " to pending",
        remaining.size(),
        properties.getShutdown().getGrace());
    try (ProducerTemplate producer = context.getBean(CamelContext.class).createProducerTemplate()) {
      for (Attempt attempt : remaining) {
        attempt.release(); // first: its late outcome must not be written
        Map<String, Object> headers = new HashMap<>();
        headers.put(TaskConstants.ID, attempt.id());
        headers.put(TaskConstants.FENCE, attempt.fence());
        headers.put(TaskConstants.REASON, "shutdown");
        try {
          producer.sendBodyAndHeaders(Endpoints.RELEASE, null, headers);
        } catch (RuntimeException e) {
          // the lease runs out and the rescue hands the task on (spending the attempt)
          LOG.warn("Could not release task {}: {}", attempt.id(), e.getMessage());
        }
      }
    } catch (Exception e) {
      LOG.warn("Could not release the running tasks: {}", e.getMessage());
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Above Camel's context (Integer.MAX_VALUE - 2049): stopped before it. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE;
  }
}
