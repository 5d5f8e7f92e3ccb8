package io.taskqueue.api.schema;

import java.util.Map;

/**
 * OpenAPI shape. A resource group: depth (pending tasks), running, a count per task state, its
 * settings.
 */
public class Group {
  public String name;
  public Long depth;
  public Long running;
  public Map<String, Long> counts;

  /** Whether the group is paused (cluster-wide), and since when. */
  public Boolean paused;

  public String pausedChangedAt;

  /** {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, or {@code DISABLED} (no breaker). */
  public String circuitState;

  /** When the circuit took that state (the latest change seen), and until when it stays open. */
  public String circuitSince;

  public String circuitUntil;
  public Map<String, Object> settings;
}
