package io.taskqueue.flow;

import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * The producer template of a bean that calls routes from its own threads ({@link Completions},
 * {@link Failures}, {@link EnqueueCommits}): created on first use, because such beans are created
 * before the Camel context they send to.
 */
final class LazyProducer {

  private final Supplier<CamelContext> camel;
  private volatile ProducerTemplate template;

  LazyProducer(Supplier<CamelContext> camel) {
    this.camel = camel;
  }

  ProducerTemplate get() {
    ProducerTemplate t = template;
    if (t == null) {
      synchronized (this) {
        if (template == null) {
          template = camel.get().createProducerTemplate();
        }
        t = template;
      }
    }
    return t;
  }

  /** Sends {@code exchange} and rethrows what failed it (unchecked). */
  void send(String endpoint, Exchange exchange) {
    get().send(endpoint, exchange);
    rethrow(exchange);
  }

  /** Throws the exchange's exception, unchecked; nothing when it has none. */
  static void rethrow(Exchange exchange) {
    Exception e = exchange.getException();
    if (e != null) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
  }
}
