package io.taskqueue.flow;

import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.TaskConstants;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.dataformat.JsonLibrary;
import org.springframework.stereotype.Component;

/**
 * Sends to the broker. {@code direct:publish}: a task's message to its group queue (persistent,
 * JMSPriority = priority, held by Artemis until {@code TaskRunAt}); the body is the task id, the
 * worker reads everything else from the database when it acquires the task. {@code
 * direct:task-event}: a lifecycle event to the topic {@code taskqueue.events} (non-persistent: it
 * is a notification, the database is the record).
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

  public PublishRoute(FlowSupport flow) {
    this.flow = flow;
  }

  @Override
  public void configure() {
    publishRoute("publish", "jms");
    // the enqueue's sends: committed by BrokerSends before the database, even inside a consumer
    publishRoute("publish-enqueued", ENQUEUE_JMS);

    taskEvents();
  }

  private void publishRoute(String id, String component) {
    from("direct:" + id)
        .routeId(id)
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
    from("direct:task-event")
        .routeId("task-event")
        .setBody(PublishRoute::event)
        .removeHeaders("*")
        .marshal()
        .json(JsonLibrary.Jackson)
        .to(
            "jms:topic:"
                + EVENTS_TOPIC
                + "?deliveryPersistent=false&disableReplyTo=true&jmsMessageType=Text");
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

  private static Map<String, Object> event(Exchange exchange) {
    Message in = exchange.getIn();
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event", in.getHeader(TaskConstants.EVENT));
    event.put("id", in.getHeader(TaskConstants.ID));
    event.put("type", in.getHeader(TaskConstants.TYPE));
    event.put("group", in.getHeader(TaskConstants.GROUP));
    event.put("at", java.time.Instant.now().toString());
    return event;
  }
}
