package io.taskqueue.task;

import java.time.Duration;

/** A handler ran past its {@code handler-timeout}: a transient failure of the attempt. */
public class HandlerTimeoutException extends TransientTaskException {

  private final Duration timeout;

  public HandlerTimeoutException(String type, Duration timeout) {
    super("Handler of " + type + " ran past its handler-timeout of " + timeout + " (timeout)");
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }
}
