package io.taskqueue.api;

import jakarta.jms.JMSException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import org.apache.camel.Exchange;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jms.JmsException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Failures that mean "the database or the broker cannot be reached right now" rather than "this
 * request is wrong": the API answers them 503 with {@code Retry-After}, so a client retries the
 * same request later instead of giving up on a 500. Hikari's {@code connection-timeout} (3 s in
 * {@code application.yaml}) bounds how long a request waits for a connection.
 */
public final class ServiceUnavailable {

  /** Seconds a client is asked to wait before it retries. */
  public static final int RETRY_AFTER_SECONDS = 5;

  public static final String MESSAGE =
      "The database or the message broker is unavailable; retry later (with the same"
          + " Idempotency-Key, so that a retry can never create a task twice)";

  private ServiceUnavailable() {}

  /** Whether {@code failure} or one of its causes is an unreachable database or broker. */
  public static boolean causedBy(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException // Hikari: no connection within the timeout
          || t instanceof SQLRecoverableException
          || t instanceof CannotCreateTransactionException
          || t instanceof DataAccessResourceFailureException // CannotGetJdbcConnectionException
          || t instanceof TransientDataAccessResourceException) {
        return true;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) {
        return true; // SQLSTATE class 08: connection exception (PostgreSQL's driver uses it)
      }
      if (t instanceof TransactionSystemException rollback
          && rollback.getApplicationException() != null
          && causedBy(rollback.getApplicationException())) {
        return true; // the rollback after a lost connection failed too, hiding the first error
      }
      if (t instanceof JMSException || t instanceof JmsException) {
        return true; // a send never fails for the request's content: the broker is the problem
      }
    }
    return false;
  }

  /** Writes the 503 answer. */
  public static void answer(Exchange exchange, ApiResponses responses) {
    responses.error(exchange, 503, MESSAGE, null);
    exchange.getMessage().setHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
  }
}
