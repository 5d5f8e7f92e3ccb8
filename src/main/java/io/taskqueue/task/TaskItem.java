package io.taskqueue.task;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * The typed task value the flow routes carry: in the exchange variable {@link #VARIABLE} (one
 * task) or {@link #BATCH_VARIABLE} (a {@code List<TaskItem>}), instead of a header per field. The
 * {@code Task*} headers remain the contract a handler route sees ({@link
 * io.taskqueue.component.TaskDispatcher} sets them from this value), and the parameters of the
 * {@code sql/} statements ({@link #params()}).
 *
 * @param id the task id (a time-ordered UUID as text)
 * @param type the task type, which names the handler route {@code task:<type>}
 * @param group the resource group
 * @param priority 0–9, 9 first
 * @param runAt when the task is due (database time), null for now
 * @param attempt the attempt this value stands for (0 before the first acquire)
 * @param fence the fencing token of that attempt (0 before the first acquire)
 * @param maxAttempts the most attempts the task gets
 * @param payload the payload as JSON text (null where the step does not need it)
 */
public record TaskItem(
    String id,
    String type,
    String group,
    int priority,
    Timestamp runAt,
    int attempt,
    long fence,
    int maxAttempts,
    String payload) {

  /** Exchange variable holding the {@link TaskItem} a route works on. */
  public static final String VARIABLE = "task";

  /** Exchange variable holding the {@code List<TaskItem>} a batch step works on. */
  public static final String BATCH_VARIABLE = "tasks";

  /** The same task as acquired by an attempt. */
  public TaskItem acquired(String type, String payload, int attempt, int maxAttempts, long fence) {
    return new TaskItem(id, type, group, priority, runAt, attempt, fence, maxAttempts, payload);
  }

  /** The task of an exchange (variable {@link #VARIABLE}). */
  public static TaskItem of(Exchange exchange) {
    return exchange.getVariable(VARIABLE, TaskItem.class);
  }

  /** The tasks of a batch step (variable {@link #BATCH_VARIABLE}). */
  @SuppressWarnings("unchecked")
  public static List<TaskItem> batchOf(Exchange exchange) {
    return exchange.getVariable(BATCH_VARIABLE, List.class);
  }

  /** The statement parameters this value supplies ({@code :#TaskId}, {@code :#TaskFence}, ...). */
  public Map<String, Object> params() {
    Map<String, Object> params = new HashMap<>();
    params.put(TaskConstants.ID, id);
    params.put(TaskConstants.TYPE, type);
    params.put(TaskConstants.GROUP, group);
    params.put(TaskConstants.PRIORITY, priority);
    params.put(TaskConstants.RUN_AT, runAt);
    params.put(TaskConstants.ATTEMPT, attempt);
    params.put(TaskConstants.FENCE, fence);
    params.put(TaskConstants.MAX_ATTEMPTS, maxAttempts);
    return params;
  }
}
