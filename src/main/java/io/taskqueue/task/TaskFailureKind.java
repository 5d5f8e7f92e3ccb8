package io.taskqueue.task;

import java.util.Locale;

/**
 * The class of a handler failure, which decides what happens to the task. Its lower-case name
 * ({@link #wireName()}) is what the task row ({@code error_class}), its history, the API ({@code
 * errorClass}) and the configuration ({@code taskqueue.groups.<g>.errors.<class>}) use.
 */
public enum TaskFailureKind {
  /** The task's input is wrong: retrying cannot help, it goes straight to the dead-letter queue. */
  VALIDATION(false, false),
  /** A passing fault (I/O, timeout, connection refused): retried with backoff. */
  TRANSIENT(true, true),
  /**
   * An SQL error from the handler's own database: retried after the group's longer {@code
   * retry.database-delay}, and counted against the group's circuit.
   */
  DATABASE(true, true),
  /**
   * A business rule said no: what happens is the type's {@code business} policy (retry,
   * dead-letter, complete with an error result); by default dead-lettered unless the group's {@code
   * retry.retry-business} is set.
   */
  BUSINESS(false, false),
  /** Anything unclassified: retried with backoff, logged as an error and alerted. */
  SYSTEM(true, true);

  private final boolean retriedByDefault;
  private final boolean countsAgainstCircuit;

  TaskFailureKind(boolean retriedByDefault, boolean countsAgainstCircuit) {
    this.retriedByDefault = retriedByDefault;
    this.countsAgainstCircuit = countsAgainstCircuit;
  }

  /** Whether a failure of this class is retried (business: see the type's business policy). */
  public boolean retriedByDefault() {
    return retriedByDefault;
  }

  /**
   * Whether a failure of this class says something about the group's downstream (it counts as a
   * failure for the group's circuit breaker): transient, database and system do; validation and
   * business (the task's own fault) do not.
   */
  public boolean countsAgainstCircuit() {
    return countsAgainstCircuit;
  }

  /** The name stored and shown: {@code validation}, {@code transient}, {@code database}, ... */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The class named {@code name} ({@code database}, {@code DATABASE}; case and a {@code -} or
   * {@code _} do not matter), or null when there is none.
   */
  public static TaskFailureKind parse(String name) {
    if (name == null) {
      return null;
    }
    String normal = name.trim().replace('-', '_').toUpperCase(Locale.ROOT);
    for (TaskFailureKind kind : values()) {
      if (kind.name().equals(normal)) {
        return kind;
      }
    }
    return null;
  }

  /**
   * The built-in classification of an exception thrown by a handler route, used where no
   * configuration applies: the outermost exception of the cause chain that is one of these decides.
   *
   * <ul>
   *   <li>{@link TaskValidationException}: validation
   *   <li>{@link BusinessTaskException}: business
   *   <li>{@link java.sql.SQLException}, Spring's {@code DataAccessException}: database
   *   <li>{@link TransientTaskException} (a handler timeout too), any {@link java.io.IOException}
   *       ({@code ConnectException}: connection refused), any {@link
   *       java.util.concurrent.TimeoutException}: transient
   *   <li>an HTTP answer the handler's HTTP client refused (an exception that carries the status
   *       code, Camel's {@code HttpResponseAware}: {@code HttpOperationFailedException} of
   *       camel-http and the other Camel HTTP clients), by its status code: 5xx, 408 (request
   *       timeout), 425 (too early) and 429 (too many requests) are transient; 401, 403 and 407
   *       (the connector's credentials) and 3xx (a redirect not followed) are system; any other 4xx
   *       is validation (the server refused the request the task's input made: sending it again
   *       cannot help). A {@code taskqueue.types[<type>].errors} or group mapping of the exception
   *       class still wins over this.
   *   <li>anything else: system
   * </ul>
   */
  public static TaskFailureKind of(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < MAX_CAUSES; t = t.getCause(), depth++) {
      TaskFailureKind kind = builtIn(t);
      if (kind != null) {
        return kind;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return SYSTEM;
  }

  /** How deep into a cause chain classification looks (a cycle cannot make it loop). */
  public static final int MAX_CAUSES = 64;

  /** The built-in class of this one throwable (its causes not looked at), or null for none. */
  public static TaskFailureKind builtIn(Throwable t) {
    if (t instanceof TaskValidationException) {
      return VALIDATION;
    }
    if (t instanceof BusinessTaskException) {
      return BUSINESS;
    }
    if (t instanceof java.sql.SQLException || isDataAccessException(t)) {
      return DATABASE;
    }
    if (t instanceof org.apache.camel.spi.HttpResponseAware http
        && http.getHttpResponseCode() > 0) {
      return ofHttpStatus(http.getHttpResponseCode());
    }
    if (t instanceof TransientTaskException
        || t instanceof java.io.IOException
        || t instanceof java.util.concurrent.TimeoutException) {
      return TRANSIENT;
    }
    return null;
  }

  /** The error class of an HTTP status code an HTTP client refused (see {@link #of}). */
  public static TaskFailureKind ofHttpStatus(int status) {
    if (status >= 500 || status == 408 || status == 425 || status == 429) {
      return TRANSIENT;
    }
    if (status == 401 || status == 403 || status == 407 || status < 400) {
      return SYSTEM;
    }
    return VALIDATION;
  }

  private static boolean isDataAccessException(Throwable t) {
    return DATA_ACCESS != null && DATA_ACCESS.isInstance(t);
  }

  /** Spring's DataAccessException when spring-tx is on the classpath (it is in the application). */
  private static final Class<?> DATA_ACCESS = dataAccessException();

  private static Class<?> dataAccessException() {
    try {
      return Class.forName(
          "org.springframework.dao.DataAccessException",
          false,
          TaskFailureKind.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
