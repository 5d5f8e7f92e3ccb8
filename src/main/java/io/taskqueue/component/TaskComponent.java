package io.taskqueue.component;

import io.taskqueue.task.TaskRequestParser;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code task:} component. A route that starts {@code from("task:<type>")} is the handler of
 * that task type: the worker routes hand each acquired task of the type to it.
 */
public class TaskComponent extends DefaultComponent {

  private final Map<String, TaskConsumer> handlers = new ConcurrentHashMap<>();

  @Override
  protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters)
      throws Exception {
    if (!TaskRequestParser.TYPE.matcher(remaining).matches()) {
      throw new IllegalArgumentException(
          "task:"
              + remaining
              + " does not name a valid task type ("
              + TaskRequestParser.TYPE
              + ")");
    }
    TaskEndpoint endpoint = new TaskEndpoint(uri, this, remaining);
    setProperties(endpoint, parameters);
    return endpoint;
  }

  void register(String type, TaskConsumer consumer) {
    TaskConsumer existing = handlers.putIfAbsent(type, consumer);
    if (existing != null && existing != consumer) {
      throw new IllegalStateException(
          "Task type '" + type + "' already has a handler route: " + existing.getRouteId());
    }
  }

  void unregister(String type, TaskConsumer consumer) {
    handlers.remove(type, consumer);
  }

  /** The handler of a type, or null when no started route consumes {@code task:<type>}. */
  public TaskConsumer handler(String type) {
    return handlers.get(type);
  }

  /** The task types that have a handler on this node. */
  public Set<String> handledTypes() {
    return Set.copyOf(handlers.keySet());
  }
}
