package io.taskqueue.task;

import java.time.Instant;

/**
 * A validated request to enqueue one task.
 *
 * @param type the task type, which names the handler route {@code task:<type>}
 * @param payloadJson the payload exactly as the client sent it (JSON text)
 * @param priority 0 (lowest) to 9 (highest), null for the default
 * @param group an explicit resource group, or null to let routing decide
 * @param runAt when the task may run first, or null for now
 * @param maxAttempts attempts in all before dead-letter, or null for the group's policy
 * @param idempotencyKey a client key that makes repeated enqueues return the first task, or null
 */
public record TaskRequest(
    String type,
    String payloadJson,
    Integer priority,
    String group,
    Instant runAt,
    Integer maxAttempts,
    String idempotencyKey) {

  public static final int DEFAULT_PRIORITY = 4;

  public TaskRequest withIdempotencyKey(String key) {
    return new TaskRequest(type, payloadJson, priority, group, runAt, maxAttempts, key);
  }
}
