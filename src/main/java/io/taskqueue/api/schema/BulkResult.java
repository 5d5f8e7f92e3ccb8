package io.taskqueue.api.schema;

/**
 * OpenAPI shape. The answer to a bulk command on a group ({@code POST
 * /api/groups/{name}/redrive|cancel|purge}): how many tasks it changed (redriven, cancelled or
 * deleted); 0 when nothing matched, e.g. for a repeated call.
 */
public class BulkResult {
  /** The resource group. */
  public String group;

  /** {@code redrive}, {@code cancel} or {@code purge}. */
  public String action;

  /** How many tasks the command changed. */
  public long changed;
}
