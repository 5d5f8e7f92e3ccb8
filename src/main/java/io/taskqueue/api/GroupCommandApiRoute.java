package io.taskqueue.api;

import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.BulkResult;
import io.taskqueue.flow.BulkCommandRoute;
import io.taskqueue.flow.BulkRequest;
import io.taskqueue.flow.Endpoints;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskRequestParser;
import io.taskqueue.task.TaskStatus;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.security.Principal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * Bulk operator commands on one resource group: {@code POST /api/groups/{name}/redrive} (its dead
 * letters back to pending), {@code /cancel} (its pending tasks cancelled) and {@code /purge} (its
 * finished tasks deleted). Filters are query parameters: {@code type}, and {@code from} / {@code
 * to} (ISO-8601 instants, a half-open window {@code [from, to)}) on {@code updated_at} for the
 * redrive and the purge, on {@code created_at} for the cancel; the purge also takes {@code status}.
 * The answer is {@code {"group", "action", "changed"}}.
 *
 * <p>The API runs no state-changing SQL: it checks the input (an unknown group is a 404; any other
 * bad input a 400 that changes nothing) and calls the flow's {@code direct:bulk-*} routes ({@link
 * BulkCommandRoute}). A request body is refused: filters sent as a body would otherwise be ignored
 * and the command would touch the whole group.
 */
@Component
public class GroupCommandApiRoute extends RouteBuilder {

  private static final Set<String> FILTERS = Set.of("type", "from", "to");
  private static final Set<String> PURGE_FILTERS = Set.of("type", "from", "to", "status");

  private final ResourceGroups groups;
  private final ApiResponses responses;

  public GroupCommandApiRoute(ResourceGroups groups, ApiResponses responses) {
    this.groups = groups;
    this.responses = responses;
  }

  @Override
  public void configure() {
    RestDefinition rest =
        rest("/api/groups").description("Resource groups: bulk operator commands");
    command(
        rest,
        "redrive",
        "redriveGroup",
        "Redrives the group's dead_letter tasks (all, or those of one type and/or that became"
            + " dead_letter within [from, to)): each becomes pending with a full set of attempts and"
            + " runs again; its history gets the reason 'bulk redrive by <operator>'. Tasks that"
            + " become dead_letter while the command runs are not included. Safe to repeat: a second"
            + " identical call changes only tasks dead-lettered since.",
        "updated_at, the time the task became dead_letter",
        false);
    command(
        rest,
        "cancel",
        "cancelGroup",
        "Cancels the group's pending tasks (delayed ones too; all, or those of one type and/or"
            + " enqueued within [from, to)): each becomes cancelled and its queued message is"
            + " removed. A task a worker has already acquired is running and is left alone. Safe"
            + " to repeat: a second identical call changes nothing.",
        "created_at, the time the task was enqueued",
        false);
    command(
        rest,
        "purge",
        "purgeGroup",
        "Deletes the group's finished tasks with their history: completed, cancelled and archived"
            + " ones, or only those of the given status (dead_letter tasks only when status="
            + "dead_letter is given); all, or those of one type and/or that reached their state"
            + " within [from, to). Safe to repeat: a second identical call deletes nothing.",
        "updated_at, the time the task reached its state",
        true);

    commandRoute("redrive", Endpoints.BULK_REDRIVE, FILTERS);
    commandRoute("cancel", Endpoints.BULK_CANCEL, FILTERS);
    commandRoute("purge", Endpoints.BULK_PURGE, PURGE_FILTERS);
  }

  /** {@code POST /api/groups/{name}/<action>}, answered by {@code direct:api-group-<action>}. */
  private static void command(
      RestDefinition rest,
      String action,
      String operationId,
      String description,
      String windowOn,
      boolean purge) {
    RestDefinition post =
        rest.post("/{name}/" + action)
            .id(operationId)
            .description(description)
            .outType(BulkResult.class)
            .param()
            .name("name")
            .type(RestParamType.path)
            .description("The group name (a configured group)")
            .endParam()
            .param()
            .name("type")
            .type(RestParamType.query)
            .required(false)
            .description("Only tasks of this type")
            .endParam()
            .param()
            .name("from")
            .type(RestParamType.query)
            .required(false)
            .dataType("string")
            .dataFormat("date-time")
            .description("ISO-8601 instant, inclusive, on " + windowOn)
            .endParam()
            .param()
            .name("to")
            .type(RestParamType.query)
            .required(false)
            .dataType("string")
            .dataFormat("date-time")
            .description(
                "ISO-8601 instant, exclusive, on " + windowOn + " (never later than the call)")
            .endParam();
    if (purge) {
      post =
          post.param()
              .name("status")
              .type(RestParamType.query)
              .required(false)
              .description(
                  "Only tasks in this state; without it completed, cancelled and archived ones")
              .allowableValues(BulkRequest.PURGEABLE.stream().map(TaskStatus::dbValue).toList())
              .endParam();
    }
    post.produces("application/json")
        .responseMessage()
        .code(200)
        .message("How many tasks the command changed")
        .responseModel(BulkResult.class)
        .endResponseMessage()
        .responseMessage()
        .code(400)
        .message("An invalid filter, or a request body; field names the parameter")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .responseMessage()
        .code(404)
        .message("No such group is configured")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-group-" + action);
  }

  /**
   * {@code direct:api-group-<action>}: checks the input, calls the flow's bulk command and answers
   * its count. It writes nothing itself.
   */
  private void commandRoute(String action, String command, Set<String> allowed) {
    from("direct:api-group-" + action)
        .routeId("api-group-" + action)
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(e -> request(e, action, allowed))
        .to(command)
        .process(e -> answer(e, action));
  }

  /** The BulkRequest of the call, or a 404/400 before anything changes. */
  private void request(Exchange exchange, String action, Set<String> allowed) throws Exception {
    Message in = exchange.getIn();
    String group = in.getHeader("name", String.class);
    if (group == null || !groups.isKnown(group)) {
      throw new ApiException(
          404, "No group '" + group + "'; configured groups: " + groups.names(), "name");
    }
    QueryParams query = QueryParams.of(exchange, allowed);
    if (hasBody(exchange)) {
      throw new ApiException(
          400,
          "POST /api/groups/{name}/"
              + action
              + " takes no body: send the filters ("
              + String.join(", ", allowed.stream().sorted().toList())
              + ") as query parameters",
          null);
    }
    String type = query.get("type");
    if (type != null && !TaskRequestParser.TYPE.matcher(type).matches()) {
      throw new ApiException(400, "type must match " + TaskRequestParser.TYPE.pattern(), "type");
    }
    Instant from = instant(query, "from");
    Instant to = instant(query, "to");
    if (from != null && to != null && !from.isBefore(to)) {
      throw new ApiException(
          400,
          "from (" + from + ") must be before to (" + to + "): the window is [from, to)",
          "from");
    }
    List<TaskStatus> statuses = List.of();
    String status = query.get("status");
    if (status != null) {
      TaskStatus parsed = null;
      try {
        parsed = TaskStatus.fromDb(status);
      } catch (IllegalArgumentException e) {
        // answered below
      }
      if (parsed == null || !BulkRequest.PURGEABLE.contains(parsed)) {
        throw new ApiException(
            400,
            "A purge deletes only finished tasks: status must be one of "
                + BulkRequest.PURGEABLE.stream().map(TaskStatus::dbValue).toList()
                + ", not '"
                + status
                + "'",
            "status");
      }
      statuses = List.of(parsed);
    }
    // platform-http maps request headers to message headers: a client's Task* header must not
    // steer the command
    in.removeHeaders(TaskConstants.PREFIX + "*");
    String by = operator(exchange);
    String reason = "bulk " + action + (by == null ? " via the API" : " by " + by);
    in.setBody(new BulkRequest(group, type, from, to, statuses, reason, 0));
  }

  private void answer(Exchange exchange, String action) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("group", exchange.getIn().getHeader("name", String.class));
    body.put("action", action);
    body.put("changed", exchange.getIn().getBody(Long.class));
    responses.json(exchange, 200, body);
  }

  private static Instant instant(QueryParams query, String name) {
    String raw = query.get(name);
    if (raw == null) {
      if (query.given(name)) {
        throw new ApiException(
            400, name + " is empty; give an ISO-8601 instant or leave it out", name);
      }
      return null;
    }
    try {
      return OffsetDateTime.parse(raw).toInstant();
    } catch (DateTimeParseException e) {
      throw new ApiException(
          400,
          name
              + " must be an ISO-8601 instant with an offset, e.g. 2026-01-31T12:00:00Z, not '"
              + raw
              + "'",
          name);
    }
  }

  /** Whether the client sent a request body (any bytes, whatever the Content-Type). */
  private static boolean hasBody(Exchange exchange) throws Exception {
    HttpServletRequest request = servletRequest(exchange);
    if (request != null
        && (request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null)) {
      return true;
    }
    Object body = exchange.getIn().getBody();
    if (body instanceof InputStream stream) {
      byte[] bytes = stream.readNBytes(1);
      exchange.getIn().setBody(bytes.length == 0 ? null : bytes);
      return bytes.length > 0;
    }
    String text = exchange.getIn().getBody(String.class);
    return text != null && !text.isBlank();
  }

  /** The authenticated user's name; null when the API runs without security. */
  private static String operator(Exchange exchange) {
    HttpServletRequest request = servletRequest(exchange);
    Object kept = request == null ? null : request.getAttribute(OperatorNameFilter.ATTRIBUTE);
    if (kept instanceof String name) {
      return name;
    }
    Principal principal = request == null ? null : request.getUserPrincipal();
    if (principal != null && principal.getName() != null) {
      return principal.getName();
    }
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken)) {
      return auth.getName();
    }
    return null;
  }

  private static HttpServletRequest servletRequest(Exchange exchange) {
    return exchange.getIn() instanceof PlatformHttpMessage message ? message.getRequest() : null;
  }
}
