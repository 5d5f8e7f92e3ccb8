package io.taskqueue.config.security;

/**
 * The two roles of the HTTP API and the actuator. {@link #READER} may read (GET, HEAD) everything
 * but the bulk export; {@link #OPERATOR} may do anything, every state change and the export
 * included. Only {@code /actuator/health} (and its probe groups) needs no role.
 */
public final class Roles {

  /** Read-only: task and group queries, history, metrics. */
  public static final String READER = "READER";

  /**
   * Enqueue, cancel, retry, the bulk redrive/cancel/purge of a group, pause, resume, export: every
   * request a reader may not make.
   */
  public static final String OPERATOR = "OPERATOR";

  private Roles() {}
}
