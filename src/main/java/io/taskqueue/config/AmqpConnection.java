package io.taskqueue.config;

import jakarta.jms.ConnectionFactory;
import org.apache.camel.Component;
import org.apache.camel.Ordered;
import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The connection of Camel's {@code amqp:} component (AMQP 1.0 to other brokers), built from its own
 * settings: {@code camel.component.amqp.broker-url}, or {@code host}, {@code port}, {@code use-ssl}
 * (with {@code trust-store-*}, {@code key-store-*}), and {@code username}, {@code password}.
 *
 * <p>Why: with camel-amqp-starter 4.17 the component is initialised before the starter applies
 * those properties, so {@link AMQPComponent} never builds its Qpid connection factory from them; it
 * autowires the application's only {@link ConnectionFactory} instead, which is the task queue's own
 * Artemis. {@code amqp:} endpoints then sent to the task queue's broker (over the Artemis core
 * protocol) whatever host they were given, and with a username every connection failed
 * ("SingleConnectionFactory does not support custom username and password"). This customizer runs
 * after the starter's and sets the factory the component would have built.
 *
 * <p>Without any of those settings it takes the task queue's broker away from the component too,
 * which then falls back to Camel's documented default, AMQP 1.0 to {@code localhost:5672}. A
 * factory configured explicitly ({@code connection-factory}) is kept.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(AMQPComponent.class)
public class AmqpConnection {

  @Bean
  public ComponentCustomizer amqpConnectionFromItsSettings(
      ObjectProvider<ConnectionFactory> taskQueueBroker) {
    return new ComponentCustomizer() {
      @Override
      public boolean isEnabled(String name, Component target) {
        return target instanceof AMQPComponent;
      }

      @Override
      public int getOrder() {
        return Ordered.LOWEST; // after the starter's customizer, which applies the properties
      }

      @Override
      public void configure(String name, Component target) {
        apply((AMQPComponent) target, taskQueueBroker.getIfUnique());
      }
    };
  }

  static void apply(AMQPComponent amqp, ConnectionFactory taskQueueBroker) {
    // the autowiring that follows the customizers must not bring the task queue's broker back
    amqp.setAutowiredEnabled(false);
    amqp.setAllowAutoWiredConnectionFactory(false);
    String uri = uri(amqp);
    ConnectionFactory current = amqp.getConfiguration().getConnectionFactory();
    if (uri != null) {
      JmsConnectionFactory factory = new JmsConnectionFactory(uri);
      if (!Boolean.FALSE.equals(amqp.getUseTopicPrefix())) {
        factory.setTopicPrefix("topic://");
      }
      amqp.getConfiguration().setConnectionFactory(factory);
    } else if (current != null && current == taskQueueBroker) {
      amqp.getConfiguration().setConnectionFactory(null);
    }
  }

  /** The URI AMQPComponent builds from its settings; null when none is set. */
  static String uri(AMQPComponent amqp) {
    if (amqp.getBrokerUrl() != null) {
      return amqp.getBrokerUrl();
    }
    if (amqp.getHost() == null && amqp.getPort() == null && amqp.getUseSsl() == null) {
      return null;
    }
    boolean ssl = Boolean.TRUE.equals(amqp.getUseSsl());
    StringBuilder uri =
        new StringBuilder(ssl ? "amqps://" : "amqp://")
            .append(amqp.getHost() == null ? "localhost" : amqp.getHost())
            .append(':')
            .append(amqp.getPort() == null ? 5672 : amqp.getPort());
    if (ssl) {
      String sep = "?";
      String[][] options = {
        {"transport.trustStoreLocation", amqp.getTrustStoreLocation()},
        {"transport.trustStoreType", amqp.getTrustStoreType()},
        {"transport.trustStorePassword", amqp.getTrustStorePassword()},
        {"transport.keyStoreLocation", amqp.getKeyStoreLocation()},
        {"transport.keyStoreType", amqp.getKeyStoreType()},
        {"transport.keyStorePassword", amqp.getKeyStorePassword()}
      };
      for (String[] option : options) {
        if (option[1] != null && !option[1].isEmpty()) {
          uri.append(sep).append(option[0]).append('=').append(option[1]);
          sep = "&";
        }
      }
    }
    return uri.toString();
  }
}
