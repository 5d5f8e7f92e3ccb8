package io.taskqueue.config;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import jakarta.jms.ConnectionFactory;
import java.time.Duration;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.jms.connection.DelegatingConnectionFactory;
import org.springframework.jms.connection.SingleConnectionFactory;

/**
 * Address settings of the embedded broker ({@link #applyTo}). An external broker needs the same
 * settings in its {@code broker.xml} ({@code broker/broker.xml}); {@link BrokerSettingsCheck} reads
 * them at start-up and refuses to start when they would lose task messages.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

  /**
   * Sets the client's consumer window ({@code taskqueue.consumer-window-size}, default 0) on the
   * Artemis connection factory Spring Boot builds, embedded or native. With Artemis' default of 1
   * MiB every consumer buffers thousands of small task messages, so one long task would hold back
   * all the messages buffered behind it while other consumers idle; 0 means a consumer only takes a
   * message when it is ready to run it, which also makes priorities and strict ordering exact.
   *
   * <p>It also lets each JMS session cache the queues it looked up ({@code cacheDestinations}):
   * Spring resolves a destination by name for every send, and without the cache every such lookup
   * is a round trip to the broker (a profile of a batch enqueue showed it next to the commits).
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
            artemis.setCacheDestinations(true);
          }
        }
        return bean;
      }
    };
  }

  public static ActiveMQConnectionFactory unwrap(ConnectionFactory factory) {
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

  /**
   * Against an external broker, checks its address settings before any route starts consuming (see
   * {@link BrokerSettingsCheck}); refuses to start on settings that lose task messages.
   */
  @Bean
  @ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "native")
  public BrokerSettingsCheck brokerSettingsCheck(
      ConnectionFactory connectionFactory, TaskQueueProperties properties) {
    BrokerSettingsCheck check =
        new BrokerSettingsCheck(connectionFactory, properties, Duration.ofSeconds(10));
    check.verify();
    return check;
  }

  @Bean
  public ArtemisConfigurationCustomizer taskQueueAddressSettings(TaskQueueProperties properties) {
    return config -> applyTo(config, properties);
  }

  /**
   * The broker settings the task flow relies on, applied to the embedded broker; an external broker
   * needs the same in its {@code broker.xml} ({@code broker/broker.xml}), and {@link
   * BrokerSettingsCheck} verifies them at start-up. Public so tests can configure a broker of their
   * own exactly like the embedded one.
   */
  public static void applyTo(Configuration config, TaskQueueProperties properties) {
    // A delivery rolled back by the worker (database unreachable, row not yet visible, no handler
    // on this node, node stopping) comes back after a growing delay capped at 1 s (a task whose
    // enqueue commits late runs within a second of the commit) and is never moved aside, expired
    // or dropped by the broker: the task's fate is decided by the worker and the database, not by
    // a broker delivery count.
    config.addAddressSetting(
        GROUP_MATCH,
        new AddressSettings()
            .setRedeliveryDelay(25)
            .setRedeliveryMultiplier(2.0)
            .setMaxRedeliveryDelay(1_000)
            .setMaxDeliveryAttempts(-1)
            .setExpiryDelay(-1L)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
            .setAutoCreateQueues(true)
            .setAutoCreateAddresses(true));
    // ordering: strict. One consumer per node is not enough with several nodes: an exclusive
    // queue hands every message to one consumer of the whole cluster at a time (the others stand
    // by and take over when it goes). The address setting covers a queue created from now on; the
    // queue configuration also turns an existing queue exclusive when the broker starts.
    properties.getGroups().entrySet().stream()
        .filter(e -> e.getValue().getOrdering() == GroupSettings.Ordering.STRICT)
        .map(e -> ResourceGroups.queueOf(e.getKey()))
        .forEach(
            queue -> {
              config.addAddressSetting(queue, new AddressSettings().setDefaultExclusiveQueue(true));
              config.addQueueConfiguration(
                  QueueConfiguration.of(queue)
                      .setAddress(queue)
                      .setRoutingType(RoutingType.ANYCAST)
                      .setDurable(true)
                      .setExclusive(true));
            });
    // The JMS ingress: a message whose enqueue failed for a system reason (database down) comes
    // back with backoff until it succeeds; invalid ones are moved aside by the route itself.
    config.addAddressSetting(
        INBOX,
        new AddressSettings()
            .setRedeliveryDelay(500)
            .setRedeliveryMultiplier(2.0)
            .setMaxRedeliveryDelay(60_000)
            .setMaxDeliveryAttempts(-1)
            .setExpiryDelay(-1L)
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
            .setAutoCreateQueues(true)
            .setAutoCreateAddresses(true));
    // Notification queues (dead-letter notices, invalid JMS input): the database is the record of
    // every task, these only notify. Unread notices expire, and a full queue drops new ones, so
    // nobody reading them cannot fill the broker's disk.
    AddressSettings notifications =
        new AddressSettings()
            .setExpiryDelay(properties.getBroker().getNotificationExpiry().toMillis())
            .setMaxSizeBytes(properties.getBroker().getNotificationMaxBytes())
            .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP)
            .setAutoCreateQueues(true)
            .setAutoCreateAddresses(true);
    config.addAddressSetting(DEAD_LETTER_MATCH, notifications);
    config.addAddressSetting(INVALID_INBOX, notifications);
    config.addAddressSetting(
        "taskqueue.#",
        new AddressSettings().setAutoCreateQueues(true).setAutoCreateAddresses(true));
  }

  /** The address match of every group queue. */
  public static final String GROUP_MATCH = "taskqueue.group.#";

  /** The address match of every dead-letter notification queue. */
  public static final String DEAD_LETTER_MATCH = "taskqueue.dlq.#";

  /** The JMS ingress queue. */
  public static final String INBOX = "taskqueue.inbox";

  /** Where the JMS ingress moves invalid messages. */
  public static final String INVALID_INBOX = "taskqueue.inbox.invalid";
}
