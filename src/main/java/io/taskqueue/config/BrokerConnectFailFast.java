package io.taskqueue.config;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Makes a failed broker connection fail fast, so that an enqueue while the broker is down answers
 * 503 within a few seconds.
 *
 * <p>Once an Artemis client has connected, it knows the broker's topology; a later connection
 * attempt that fails on the configured URL waits the locator's {@code retryInterval} (2 s by
 * default) and tries the topology before it gives up. Spring's shared JMS connection is re-created
 * under one lock, and every listener container tries it too, so an enqueue waited behind several
 * such 2 s attempts: 10 to 22 s with four groups. {@code taskqueue.broker.connect-retry-interval}
 * (default 100 ms) replaces the 2 s unless the broker URL sets {@code retryInterval} itself.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConnectFailFast {

  @Bean
  public static BeanPostProcessor brokerConnectRetryInterval(Environment environment) {
    long interval =
        environment
            .getProperty(
                "taskqueue.broker.connect-retry-interval",
                java.time.Duration.class,
                java.time.Duration.ofMillis(100))
            .toMillis();
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof ConnectionFactory factory) {
          ActiveMQConnectionFactory artemis = BrokerConfiguration.unwrap(factory);
          if (artemis != null
              && artemis.getRetryInterval() == ActiveMQClient.DEFAULT_RETRY_INTERVAL) {
            artemis.setRetryInterval(interval);
          }
        }
        return bean;
      }
    };
  }
}
