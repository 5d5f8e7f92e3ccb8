package io.taskqueue.group;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code taskqueue.group-control.*}: how each node learns the cluster's pauses and circuits. */
@ConfigurationProperties("taskqueue.group-control")
public class GroupControlSettings {

  /**
   * How often each node reads every group's pause flag and circuit state: a pause, or a circuit
   * opened on another node, takes effect here within this period.
   */
  private Duration pollInterval = Duration.ofSeconds(1);

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }
}
