package io.taskqueue.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskqueue.config.TaskQueueProperties.Broker.SettingsCheck;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of an external broker ({@code spring.artemis.mode=native}): reads the
 * effective address settings of every group queue and of the JMS ingress queue through Artemis
 * management ({@code activemq.management}, operation {@code getAddressSettingsAsJSON}) and finds
 * what would drop, expire or dead-letter a task message behind the queue's back. With {@code
 * taskqueue.broker.settings-check=fail} (the default) such a broker is refused: the application
 * does not start. When the settings cannot be read at all (management disabled, no {@code manage}
 * permission) it says so at ERROR and starts, since nothing is known to be wrong.
 */
public class BrokerSettingsCheck {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerSettingsCheck.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANAGEMENT_ADDRESS = "activemq.management";
  private static final Set<String> DROPPING_POLICIES = Set.of("DROP", "FAIL");

  private final ConnectionFactory connectionFactory;
  private final TaskQueueProperties properties;
  private final Duration timeout;

  public BrokerSettingsCheck(
      ConnectionFactory connectionFactory, TaskQueueProperties properties, Duration timeout) {
    this.connectionFactory = connectionFactory;
    this.properties = properties;
    this.timeout = timeout;
  }

  /**
   * Runs the check as {@code taskqueue.broker.settings-check} says; throws to refuse the broker.
   */
  public void verify() {
    SettingsCheck mode = properties.getBroker().getSettingsCheck();
    if (mode == SettingsCheck.OFF) {
      return;
    }
    List<String> problems;
    try {
      problems = problems();
    } catch (Exception e) {
      LOG.error(
          "Cannot read the external broker's address settings ({}); starting without checking"
              + " them. Make sure the broker has the settings of broker/broker.xml: task messages"
              + " must never be dead-lettered, expired or dropped by the broker.",
          e.toString());
      return;
    }
    if (problems.isEmpty()) {
      LOG.info("The external broker's address settings keep every task message");
      return;
    }
    String text =
        "The external broker's address settings would lose task messages behind the queue's"
            + " back:\n  - "
            + String.join("\n  - ", problems)
            + "\nGive the broker the address settings of broker/broker.xml, or set"
            + " taskqueue.broker.settings-check=warn to start anyway.";
    if (mode == SettingsCheck.FAIL) {
      throw new IllegalStateException(text);
    }
    LOG.error(text);
  }

  /** What is wrong with the broker's settings; empty when nothing is. */
  public List<String> problems() throws Exception {
    Map<String, Boolean> queues = new LinkedHashMap<>(); // queue -> must be exclusive
    Set<String> groups = new java.util.LinkedHashSet<>(properties.getGroups().keySet());
    groups.add(properties.getDefaultGroup());
    for (String group : groups) {
      GroupSettings settings = properties.getGroups().get(group);
      boolean strict = settings != null && settings.getOrdering() == GroupSettings.Ordering.STRICT;
      queues.put(ResourceGroups.queueOf(group), strict);
    }
    queues.put(BrokerConfiguration.INBOX, false);

    List<String> problems = new ArrayList<>();
    try (Connection connection = connectionFactory.createConnection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
      connection.start();
      Management management = new Management(session);
      Set<String> existing =
          Arrays.stream((Object[]) management.call(ResourceNames.BROKER, "getQueueNames"))
              .map(String::valueOf)
              .collect(Collectors.toSet());
      for (Map.Entry<String, Boolean> queue : queues.entrySet()) {
        String address = queue.getKey();
        JsonNode settings =
            json(
                (String)
                    management.call(ResourceNames.BROKER, "getAddressSettingsAsJSON", address));
        boolean exists = existing.contains(address);
        check(address, settings, exists, problems);
        if (queue.getValue()) {
          boolean exclusive =
              exists
                  ? Boolean.TRUE.equals(
                      management.attribute(ResourceNames.QUEUE + address, "exclusive"))
                  : settings.path("defaultExclusiveQueue").asBoolean(false);
          if (!exclusive) {
            problems.add(
                address
                    + ": the group has ordering: strict but the queue is not exclusive"
                    + (exists ? "" : " (default-exclusive-queue is false)")
                    + "; several nodes would consume it at once");
          }
        }
      }
    }
    return problems;
  }

  /** Settings absent from the JSON have Artemis' defaults. */
  private static void check(String address, JsonNode s, boolean exists, List<String> problems) {
    long maxDeliveries = s.path("maxDeliveryAttempts").asLong(10);
    if (maxDeliveries != -1) {
      String dla = s.path("deadLetterAddress").asText("");
      problems.add(
          address
              + ": max-delivery-attempts is "
              + maxDeliveries
              + ", so a message rolled back that often (database down, a task row not yet"
              + " visible) is "
              + (dla.isEmpty() ? "dropped" : "moved to the dead-letter address " + dla)
              + "; must be -1");
    }
    for (String key : List.of("expiryDelay", "minExpiryDelay", "maxExpiryDelay")) {
      long value = s.path(key).asLong(-1);
      if (value >= 0) {
        String expiryAddress = s.path("expiryAddress").asText("");
        problems.add(
            address
                + ": "
                + kebab(key)
                + " is "
                + value
                + " ms, so waiting task messages expire ("
                + (expiryAddress.isEmpty() ? "dropped" : "moved to " + expiryAddress)
                + "); must be -1");
      }
    }
    String policy = s.path("addressFullMessagePolicy").asText("PAGE");
    if (DROPPING_POLICIES.contains(policy)) {
      problems.add(
          address
              + ": address-full-policy is "
              + policy
              + ", so sends to a full queue are lost; use PAGE (or BLOCK)");
    }
    String pageFull = s.path("pageFullMessagePolicy").asText("");
    if (DROPPING_POLICIES.contains(pageFull)
        && (s.path("pageLimitBytes").asLong(-1) >= 0
            || s.path("pageLimitMessages").asLong(-1) >= 0)) {
      problems.add(
          address
              + ": page-full-policy is "
              + pageFull
              + " with a page limit, so sends beyond it are lost; remove the page limit");
    }
    if (!exists
        && (!s.path("autoCreateQueues").asBoolean(true)
            || !s.path("autoCreateAddresses").asBoolean(true))) {
      problems.add(
          address
              + ": the queue does not exist and auto-create-queues/auto-create-addresses is off,"
              + " so task messages sent to it are refused; turn both on or declare the queue");
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([A-Z])", "-$1").toLowerCase();
  }

  private static JsonNode json(String text) {
    try {
      return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Not JSON from the broker: " + text, e);
    }
  }

  /** Request and reply on the management address, with a timeout (no reply: no permission). */
  private final class Management {

    private final Session session;
    private final MessageProducer producer;
    private final TemporaryQueue replies;
    private final MessageConsumer consumer;

    Management(Session session) throws JMSException {
      this.session = session;
      this.producer = session.createProducer(session.createQueue(MANAGEMENT_ADDRESS));
      this.replies = session.createTemporaryQueue();
      this.consumer = session.createConsumer(replies);
    }

    Object call(String resource, String operation, Object... args) throws Exception {
      Message request = session.createMessage();
      JMSManagementHelper.putOperationInvocation(request, resource, operation, args);
      return send(request, resource + " " + operation);
    }

    Object attribute(String resource, String attribute) throws Exception {
      Message request = session.createMessage();
      JMSManagementHelper.putAttribute(request, resource, attribute);
      return send(request, resource + " " + attribute);
    }

    private Object send(Message request, String what) throws Exception {
      request.setJMSReplyTo(replies);
      producer.send(request);
      Message reply = consumer.receive(timeout.toMillis());
      if (reply == null) {
        throw new IllegalStateException(
            "no answer to the management request " + what + " within " + timeout);
      }
      if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
        throw new IllegalStateException(
            "the management request " + what + " failed: " + JMSManagementHelper.getResult(reply));
      }
      return JMSManagementHelper.getResult(reply);
    }
  }
}
