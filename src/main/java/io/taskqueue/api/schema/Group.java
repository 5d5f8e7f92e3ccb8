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
  public Map<String, Object> settings;
}
