package io.taskqueue.config;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.jms.connection.SingleConnectionFactory;

/**
 * Address settings of the embedded broker. An external broker needs the same settings in its {@code
 * broker.xml} (see the README and {@code docker/artemis/broker.xml}).
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

  /**
   * Sets the client's consumer window ({@code taskqueue.consumer-window-size}, default 0) on the
   * Artemis connection factory Spring Boot builds, embedded or native. With Artemis' default of 1
   * MiB every consumer buffers thousands of small task messages, so one long task would hold back
   * all the messages buffered behind it while other consumers idle; 0 means a consumer only takes a
   * message when it is ready to run it, which also makes priorities and strict ordering exact.
   */
  @Bean
  public static BeanPostProcessor consumerWindow(
      org.springframework.core.env.Environment environment) {
    int window = environment.getProperty("taskqueue.consumer-window-size", Integer.class, 0);
    return new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof ConnectionFactory factory) {
          ActiveMQConnectionFactory artemis = unwrap(factory);
          if (artemis != null) {
            artemis.setConsumerWindowSize(window);
          }
        }
        return bean;
      }
    };
  }

  private static ActiveMQConnectionFactory unwrap(ConnectionFactory factory) {
    for (int depth = 0; depth < 4 && factory != null; depth++) {
      if (factory instanceof ActiveMQConnectionFactory artemis) {
        return artemis;
      } else if (factory instanceof SingleConnectionFactory single) {
        factory = single.getTargetConnectionFactory();
      } else if (factory instanceof DelegatingConnectionFactory delegating) {
        factory = delegating.getTargetConnectionFactory();
      } else {
        return null;
      }
    }
    return null;
  }

  /**
   * The embedded broker's journal. Spring Boot always configures NIO, whose every sync waits out a
   * journal buffer timeout; ASYNCIO (Linux libaio, Debian package {@code libaio1}; the native
   * library ships in {@code activemq-artemis-native}) syncs as soon as the disk is done. Artemis
   * falls back to NIO by itself, with a warning, where libaio or O_DIRECT is not available. Both
   * journals fsync every persistent send and every transaction commit.
   */
  @Bean
  public ArtemisConfigurationCustomizer taskQueueJournal(
      @Value("${taskqueue.broker.journal-type:ASYNCIO}") JournalType journalType) {
    return config -> {
      if (config.isPersistenceEnabled()) {
        config.setJournalType(journalType);
      }
    };
  }

  @Bean
  public ArtemisConfigurationCustomizer taskQueueAddressSettings() {
    return config -> {
      // A delivery rolled back by the worker (database unreachable, row not yet visible, no
      // handler on this node, node stopping) comes back after a growing delay capped at 1 s (a
      // task whose enqueue commits late runs within a second of the commit) and is never moved
      // aside by the broker: the task's fate is decided by the worker and the database, not by a
      // broker delivery count.
      config.addAddressSetting(
          "taskqueue.group.#",
          new AddressSettings()
              .setRedeliveryDelay(25)
              .setRedeliveryMultiplier(2.0)
              .setMaxRedeliveryDelay(1_000)
              .setMaxDeliveryAttempts(-1)
              .setAutoCreateQueues(true)
              .setAutoCreateAddresses(true));
      // The JMS ingress: a message whose enqueue failed for a system reason (database down) comes
      // back with backoff until it succeeds; invalid ones are moved aside by the route itself.
      config.addAddressSetting(
          "taskqueue.inbox",
          new AddressSettings()
              .setRedeliveryDelay(500)
              .setRedeliveryMultiplier(2.0)
              .setMaxRedeliveryDelay(60_000)
              .setMaxDeliveryAttempts(-1)
              .setAutoCreateQueues(true)
              .setAutoCreateAddresses(true));
      config.addAddressSetting(
          "taskqueue.#",
          new AddressSettings().setAutoCreateQueues(true).setAutoCreateAddresses(true));
    };
  }
}
