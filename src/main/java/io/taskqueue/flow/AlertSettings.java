package io.taskqueue.flow;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code taskqueue.alerts.*}: when {@link Alerts} are raised, and how often at most. */
@ConfigurationProperties("taskqueue.alerts")
public class AlertSettings {

  /** The same alert (name and group) is raised and logged at most once per this period. */
  private Duration quietPeriod = Duration.ofMinutes(5);

  /** How often the error rate and the dead-letter growth of every group are checked. */
  private Duration checkInterval = Duration.ofSeconds(30);

  /** The window the error rate and the dead-letter growth are measured over. */
  private Duration window = Duration.ofMinutes(5);

  /**
   * {@code alert.error-rate}: failed attempts / (failed + completed) in the window at or above this
   * fraction.
   */
  private double errorRate = 0.5;

  /** ... once the window holds at least this many outcomes. */
  private int errorRateMinimumOutcomes = 20;

  /** {@code alert.dead-letter-growth}: at least this many tasks dead-lettered in the window. */
  private int deadLetters = 10;

  public Duration getQuietPeriod() {
    return quietPeriod;
  }

  public void setQuietPeriod(Duration quietPeriod) {
    this.quietPeriod = quietPeriod;
  }

  public Duration getCheckInterval() {
    return checkInterval;
  }

  public void setCheckInterval(Duration checkInterval) {
    this.checkInterval = checkInterval;
  }

  public Duration getWindow() {
    return window;
  }

  public void setWindow(Duration window) {
    this.window = window;
  }

  public double getErrorRate() {
    return errorRate;
  }

  public void setErrorRate(double errorRate) {
    this.errorRate = errorRate;
  }

  public int getErrorRateMinimumOutcomes() {
    return errorRateMinimumOutcomes;
  }

  public void setErrorRateMinimumOutcomes(int errorRateMinimumOutcomes) {
    this.errorRateMinimumOutcomes = errorRateMinimumOutcomes;
  }

  public int getDeadLetters() {
    return deadLetters;
  }

  public void setDeadLetters(int deadLetters) {
    this.deadLetters = deadLetters;
  }
}
