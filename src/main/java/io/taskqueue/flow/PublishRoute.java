package io.taskqueue.flow;

import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.TaskConstants;
import java.util.Date;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Sends to the broker. {@code direct:publish}: a task's message to its group queue (persistent,
 * JMSPriority = priority, held by Artemis until {@code TaskRunAt}); the body is the task id, the
 * worker reads everything else from the database when it acquires the task. {@code
 * direct:task-event}: a lifecycle event to the topic {@code taskqueue.events} (non-persistent: it
 * is a notification, the database is the record), queued and sent in batches by {@link TaskEvents};
 * the caller sets the headers {@code TaskEvent, TaskId, TaskType, TaskGroup}.
 */
@Component
public class PublishRoute extends RouteBuilder {

  /** The topic of task lifecycle events. */
  public static final String EVENTS_TOPIC = "taskqueue.events";

  /**
   * The JMS component of the enqueue's sends ({@code direct:publish-enqueued}): the same broker
   * through a connection factory object of its own ({@link BrokerSends#connectionFactory()}), so
   * Spring never hands these sends a JMS consumer's session (it looks sessions up by factory).
   */
  public static final String ENQUEUE_JMS = "enqueuejms";

  private final FlowSupport flow;
  private final TaskEvents events;

  public PublishRoute(FlowSupport flow, TaskEvents events) {
    this.flow = flow;
    this.events = events;
  }

  @Override
  public void configure() {
    publishRoute(Endpoints.PUBLISH, "jms");
    // the enqueue's sends: committed by BrokerSends before the database, even inside a consumer
    publishRoute(Endpoints.PUBLISH_ENQUEUED, ENQUEUE_JMS);

    taskEvents();
  }

  private void publishRoute(String endpoint, String component) {
    from(endpoint)
        .routeId(endpoint.substring("direct:".length()))
        .errorHandler(noErrorHandler())
        .process(this::toTaskMessage)
        .removeHeaders(
            "*",
            TaskConstants.ID,
            TaskConstants.TYPE,
            TaskConstants.GROUP,
            TaskConstants.PRIORITY,
            "JMSPriority",
            "JMSDeliveryMode",
            TaskConstants.SCHEDULED_DELIVERY)
        .toD(
            component
                + ":queue:"
                + ResourceGroups.queueOf("${header.TaskGroup}")
                // transacted: inside a database transaction all sends commit together, see
                // BrokerSends; outside one each send commits on its own
                + "?preserveMessageQos=true&disableReplyTo=true&transacted=true");
  }

  private void taskEvents() {
    // asynchronous and batched: the caller only queues the event, see TaskEvents
    from(Endpoints.TASK_EVENT).routeId("task-event").process(events::announce);
    // the same event (header TaskEvent) for each task of a list of {TaskId, TaskType, TaskGroup}
    from(Endpoints.TASK_EVENTS).routeId("task-events").process(events::announceAll);
  }

  private void toTaskMessage(Exchange exchange) {
    Message in = exchange.getIn();
    in.setBody(in.getHeader(TaskConstants.ID, String.class));
    in.setHeader("JMSPriority", in.getHeader(TaskConstants.PRIORITY, Integer.class));
    in.setHeader("JMSDeliveryMode", jakarta.jms.DeliveryMode.PERSISTENT);
    Date runAt = in.getHeader(TaskConstants.RUN_AT, Date.class);
    // runAt is database time; the broker schedules on its own clock: send the remaining delay
    long delay = runAt == null ? 0 : runAt.getTime() - flow.now().toEpochMilli();
    if (delay > 0) {
      in.setHeader(TaskConstants.SCHEDULED_DELIVERY, System.currentTimeMillis() + delay);
    } else {
      in.removeHeader(TaskConstants.SCHEDULED_DELIVERY);
    }
  }
}
