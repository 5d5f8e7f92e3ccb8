package io.taskqueue.config;

import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Address settings of the embedded broker. An external broker needs the same settings in its {@code
 * broker.xml} (see the README and {@code docker/artemis/broker.xml}).
 */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

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
      config.addAddressSetting(
          "taskqueue.#",
          new AddressSettings().setAutoCreateQueues(true).setAutoCreateAddresses(true));
    };
  }
}
