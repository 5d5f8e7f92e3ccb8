package io.taskqueue.flow;

import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskIds;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Removes the queued (typically scheduled, {@code runAt} ahead) message of a cancelled task from
 * its group queue, so a task cancelled a year ahead leaves nothing on the broker for a year.
 *
 * <p>It asks the broker through a JMS management message ({@code removeMessages} with the filter
 * {@code TaskId='<id>'} on the queue's control), the same way for the embedded broker and an
 * external one; an external broker with security needs the application's user to have the {@code
 * manage} permission on {@code activemq.management}. Best effort: when the broker refuses, the
 * message stays and the worker skips it at delivery (the task is cancelled in the database), as
 * before.
 */
@Component
public class ScheduledMessages {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduledMessages.class);

  /** Artemis' default management address. */
  static final String MANAGEMENT_ADDRESS = "activemq.management";

  private final ConnectionFactory connectionFactory;

  public ScheduledMessages(ConnectionFactory connectionFactory) {
    this.connectionFactory = connectionFactory;
  }

  /**
   * Removes the messages of task {@code id} waiting on the queue of {@code group}.
   *
   * @return how many were removed, or -1 when the broker did not answer or refused
   */
  public int remove(String id, String group) {
    if (TaskIds.parseOrNull(id) == null
        || group == null
        || !ResourceGroups.NAME.matcher(group).matches()) {
      throw new IllegalArgumentException("not a task id / group: " + id + " / " + group);
    }
    return removeMatching(TaskConstants.ID + "='" + id + "'", "task " + id, group);
  }

  /**
   * Removes the messages of the tasks {@code ids} waiting on the queue of {@code group}, with one
   * request to the broker (a bulk cancel's chunk).
   *
   * @return how many were removed, or -1 when the broker did not answer or refused
   */
  public int removeAll(java.util.Collection<String> ids, String group) {
    if (ids.isEmpty()) {
      return 0;
    }
    StringBuilder filter = new StringBuilder(TaskConstants.ID).append(" IN (");
    for (String id : ids) {
      if (TaskIds.parseOrNull(id) == null) {
        throw new IllegalArgumentException("not a task id: " + id);
      }
      filter.append(filter.charAt(filter.length() - 1) == '(' ? "'" : ",'").append(id).append("'");
    }
    filter.append(')');
    if (group == null || !ResourceGroups.NAME.matcher(group).matches()) {
      throw new IllegalArgumentException("not a group: " + group);
    }
    return removeMatching(filter.toString(), ids.size() + " task(s)", group);
  }

  private int removeMatching(String filter, String what, String group) {
    String queue = ResourceGroups.queueOf(group);
    try (Connection connection = connectionFactory.createConnection()) {
      Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
      TemporaryQueue replies = session.createTemporaryQueue();
      MessageConsumer answers = session.createConsumer(replies);
      connection.start();
      Message request = session.createMessage();
      JMSManagementHelper.putOperationInvocation(
          request, ResourceNames.QUEUE + queue, "removeMessages", filter);
      request.setJMSReplyTo(replies);
      session.createProducer(session.createQueue(MANAGEMENT_ADDRESS)).send(request);
      Message answer = answers.receive(5_000);
      if (answer == null || !JMSManagementHelper.hasOperationSucceeded(answer)) {
        LOG.warn(
            "The broker did not remove the queued message(s) of cancelled {} from {}: {}; the"
                + " worker skips them when they are delivered",
            what,
            queue,
            answer == null ? "no answer within 5 s" : JMSManagementHelper.getResult(answer));
        return -1;
      }
      Object removed = JMSManagementHelper.getResult(answer);
      return removed instanceof Number n ? n.intValue() : -1;
    } catch (Exception e) {
      LOG.warn(
          "Could not remove the queued message(s) of cancelled {} from {} ({}); the worker"
              + " skips them when they are delivered",
          what,
          queue,
          e.toString());
      return -1;
    }
  }
}
