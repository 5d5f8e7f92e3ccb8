package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.InvalidTaskException;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskIds;
import io.taskqueue.task.TaskRequest;
import io.taskqueue.task.TaskRequestParser;
import io.taskqueue.task.TaskStatus;
import io.taskqueue.task.Transition;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code direct:enqueue}: JSON text of one task in, {@code {id, status, group}} out.
 *
 * <p>Validate → id → resource group (content-based router: explicit group, routing rules on the
 * type, default group) → persist {@code pending} and publish to the group's queue in one database
 * transaction → {@code task.created} event. Invalid input throws {@link InvalidTaskException} and
 * writes nothing.
 */
@Component
public class EnqueueRoute extends RouteBuilder {

  static final String REQUEST = "TaskRequest";

  private final TaskRequestParser parser;
  private final ResourceGroups groups;
  private final FlowSupport flow;

  public EnqueueRoute(TaskRequestParser parser, ResourceGroups groups, FlowSupport flow) {
    this.parser = parser;
    this.groups = groups;
    this.flow = flow;
  }

  @Override
  public void configure() {
    from("direct:enqueue")
        .routeId("enqueue")
        // errors go back to the caller (the API answers 400, JMS ingress moves the message aside)
        .errorHandler(noErrorHandler())
        // nothing a client sent as a header may steer the flow
        .removeHeaders(TaskConstants.PREFIX + "*")
        .process(this::parse)
        .to("direct:enqueue-request");

    from("direct:enqueue-request")
        .routeId("enqueue-request")
        .errorHandler(noErrorHandler())
        .process(this::assignId)
        .choice()
        .when(e -> request(e).group() != null)
        .process(this::explicitGroup)
        .when(method(groups, "routeByType(${header.TaskType})").isNotNull())
        .setHeader(TaskConstants.GROUP, method(groups, "routeByType(${header.TaskType})"))
        .otherwise()
        .setHeader(TaskConstants.GROUP, constant(groups.defaultGroup()))
        .end()
        .process(this::groupDefaults)
        .to("direct:persist-task")
        .setHeader(TaskConstants.EVENT, constant("task.created"))
        .wireTap("direct:task-event")
        .setBody(EnqueueRoute::accepted);

    from("direct:persist-task")
        .routeId("persist-task")
        .transacted("dbTx")
        .process(FlowSupport::clearBody)
        .process(Transition.create())
        .to(sql("insert_task", ""))
        // sent before the commit: a committed pending task always has its message on the broker
        .to("direct:publish");
  }

  private void parse(Exchange exchange) {
    TaskRequest request = parser.parseOne(exchange.getIn().getBody(String.class));
    exchange.setProperty(REQUEST, request);
  }

  static TaskRequest request(Exchange exchange) {
    return exchange.getProperty(REQUEST, TaskRequest.class);
  }

  private void assignId(Exchange exchange) {
    TaskRequest request = request(exchange);
    Message in = exchange.getIn();
    in.setHeader(TaskConstants.ID, TaskIds.next().toString());
    in.setHeader(TaskConstants.TYPE, request.type());
    in.setHeader(TaskConstants.PAYLOAD, request.payloadJson());
    in.setHeader(
        TaskConstants.PRIORITY,
        request.priority() == null ? TaskRequest.DEFAULT_PRIORITY : request.priority());
    in.setHeader(
        TaskConstants.RUN_AT, request.runAt() == null ? null : Timestamp.from(request.runAt()));
    in.setHeader(TaskConstants.IDEMPOTENCY_KEY, request.idempotencyKey());
    in.setHeader(TaskConstants.REASON, "enqueued");
    flow.stamp(exchange);
  }

  private void explicitGroup(Exchange exchange) {
    String group = request(exchange).group();
    if (!groups.isKnown(group)) {
      throw new InvalidTaskException(
          "group", "Unknown group '" + group + "'; configured groups: " + groups.names());
    }
    exchange.getIn().setHeader(TaskConstants.GROUP, group);
  }

  private void groupDefaults(Exchange exchange) {
    GroupSettings settings =
        groups.settings(exchange.getIn().getHeader(TaskConstants.GROUP, String.class));
    Integer maxAttempts = request(exchange).maxAttempts();
    exchange
        .getIn()
        .setHeader(
            TaskConstants.MAX_ATTEMPTS,
            maxAttempts != null ? maxAttempts : settings.getRetry().getMaxAttempts());
  }

  private static Map<String, Object> accepted(Exchange exchange) {
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("id", exchange.getIn().getHeader(TaskConstants.ID));
    reply.put("status", TaskStatus.INITIAL.dbValue());
    reply.put("group", exchange.getIn().getHeader(TaskConstants.GROUP));
    return reply;
  }
}
