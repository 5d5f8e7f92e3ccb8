package io.taskqueue.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskqueue.config.TaskQueueProperties.Broker.SettingsCheck;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.support.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.List;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The start-up check of an external broker: the settings the embedded broker gets pass; settings
 * that would dead-letter, expire or drop task messages (or make a strict group non-exclusive) are
 * named one by one, and the application refuses to start on them.
 */
class BrokerSettingsCheckTest {

  private static TaskQueueProperties properties() {
    TaskQueueProperties properties = new TaskQueueProperties();
    GroupSettings strict = new GroupSettings();
    strict.setOrdering(GroupSettings.Ordering.STRICT);
    properties.getGroups().put("email", new GroupSettings());
    properties.getGroups().put("ordered", strict);
    return properties;
  }

  private static BrokerSettingsCheck check(ConnectionFactory factory, TaskQueueProperties p) {
    return new BrokerSettingsCheck(factory, p, Duration.ofSeconds(10));
  }

  @Test
  void theEmbeddedBrokersSettingsPass() throws Exception {
    TaskQueueProperties properties = properties();
    try (TestBroker broker =
        TestBroker.start(null, c -> BrokerConfiguration.applyTo(c, properties))) {
      assertThat(check(broker.connectionFactory(), properties).problems()).isEmpty();
      // and still after the queues exist (created by a first send)
      try (Connection c = broker.connectionFactory().createConnection()) {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        for (String q :
            List.of("taskqueue.group.email", "taskqueue.group.ordered", "taskqueue.inbox")) {
          s.createProducer(s.createQueue(q)).send(s.createTextMessage("x"));
        }
      }
      assertThat(check(broker.connectionFactory(), properties).problems()).isEmpty();
    }
  }

  @Test
  void settingsThatLoseTaskMessagesAreNamedAndRefused() throws Exception {
    TaskQueueProperties properties = properties();
    try (TestBroker broker =
        TestBroker.start(
            null,
            c -> {
              c.addAddressSetting(
                  "taskqueue.group.#",
                  new AddressSettings()
                      .setMaxDeliveryAttempts(5)
                      .setDeadLetterAddress(
                          org.apache.activemq.artemis.api.core.SimpleString.of("DLQ"))
                      .setExpiryDelay(60_000L)
                      .setAddressFullMessagePolicy(AddressFullMessagePolicy.DROP));
              // taskqueue.inbox gets Artemis' defaults: 10 deliveries, then dropped
              c.addAddressSetting(
                  "taskqueue.group.email", new AddressSettings().setAutoCreateQueues(false));
            })) {
      List<String> problems = check(broker.connectionFactory(), properties).problems();
      problems.forEach(System.out::println);
      assertThat(problems)
          .anyMatch(
              p ->
                  p.startsWith("taskqueue.group.default: max-delivery-attempts is 5")
                      && p.contains("dead-letter address DLQ"))
          .anyMatch(p -> p.startsWith("taskqueue.group.default: expiry-delay is 60000 ms"))
          .anyMatch(p -> p.startsWith("taskqueue.group.default: address-full-policy is DROP"))
          .anyMatch(p -> p.startsWith("taskqueue.group.email: the queue does not exist"))
          .anyMatch(p -> p.startsWith("taskqueue.group.ordered: the group has ordering: strict"))
          .anyMatch(
              p ->
                  p.startsWith("taskqueue.inbox: max-delivery-attempts is 10")
                      && p.contains("dropped"));

      BrokerSettingsCheck refuse = check(broker.connectionFactory(), properties);
      assertThatThrownBy(refuse::verify)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("would lose task messages")
          .hasMessageContaining("broker/broker.xml");
      properties.getBroker().setSettingsCheck(SettingsCheck.WARN);
      check(broker.connectionFactory(), properties).verify(); // logs, does not throw
    }
  }

  @Test
  void anExistingNonExclusiveQueueOfAStrictGroupIsNamed() throws Exception {
    TaskQueueProperties properties = properties();
    TaskQueueProperties relaxed = new TaskQueueProperties();
    relaxed.getGroups().put("email", new GroupSettings());
    relaxed.getGroups().put("ordered", new GroupSettings());
    // the broker has the right settings, except that "ordered" was relaxed when it was set up
    try (TestBroker broker = TestBroker.start(null, c -> BrokerConfiguration.applyTo(c, relaxed))) {
      try (Connection c = broker.connectionFactory().createConnection()) {
        Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
        s.createProducer(s.createQueue("taskqueue.group.ordered")).send(s.createTextMessage("x"));
      }
      assertThat(check(broker.connectionFactory(), properties).problems())
          .containsExactly(
              "taskqueue.group.ordered: the group has ordering: strict but the queue is not"
                  + " exclusive; several nodes would consume it at once");
    }
  }

  @Test
  void theApplicationRefusesToStartAgainstABadExternalBroker() throws Exception {
    try (TestBroker bad = TestBroker.start(null, c -> {});
        TestBroker good =
            TestBroker.start(
                null, c -> BrokerConfiguration.applyTo(c, new TaskQueueProperties()))) {
      ApplicationContextRunner runner =
          new ApplicationContextRunner()
              .withConfiguration(
                  AutoConfigurations.of(ArtemisAutoConfiguration.class, JmsAutoConfiguration.class))
              .withUserConfiguration(BrokerConfiguration.class)
              .withBean(TaskQueueProperties.class, TaskQueueProperties::new)
              .withPropertyValues("spring.artemis.mode=native");
      runner
          .withPropertyValues("spring.artemis.broker-url=tcp://127.0.0.1:" + bad.port())
          .run(
              context ->
                  assertThat(context)
                      .getFailure()
                      .rootCause()
                      .hasMessageContaining("would lose task messages")
                      .hasMessageContaining(
                          "taskqueue.group.default: max-delivery-attempts is 10"));
      runner
          .withPropertyValues("spring.artemis.broker-url=tcp://127.0.0.1:" + good.port())
          .run(
              context ->
                  assertThat(context).hasNotFailed().hasSingleBean(BrokerSettingsCheck.class));
    }
  }
}
