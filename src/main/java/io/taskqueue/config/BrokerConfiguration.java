package io.taskqueue.config;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Address settings of the embedded broker. An external broker needs the same settings in its {@code
 * broker.xml} (see the README and {@code docker/artemis/broker.xml}).
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

  @Bean
  public ArtemisConfigurationCustomizer taskQueueAddressSettings() {
    return config -> {
      // A delivery rolled back by the worker (database unreachable, row not yet visible) comes
      // back after a growing delay and is never moved aside by the broker: the task's fate is
      // decided by the worker and the database, not by a broker delivery count.
      config.addAddressSetting(
          "taskqueue.group.#",
          new AddressSettings()
              .setRedeliveryDelay(25)
              .setRedeliveryMultiplier(2.0)
              .setMaxRedeliveryDelay(30_000)
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
