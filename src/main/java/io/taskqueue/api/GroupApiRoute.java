package io.taskqueue.api;

import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.Group;
import io.taskqueue.flow.Endpoints;
import io.taskqueue.group.GroupCircuits;
import io.taskqueue.group.GroupControl;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.TaskReader;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * {@code GET /api/groups} and {@code GET /api/groups/{name}}: each configured resource group with
 * its depth (pending tasks), running tasks, a count per state and its settings.
 */
@Component
public class GroupApiRoute extends RouteBuilder {

  private final ResourceGroups groups;
  private final TaskReader reader;
  private final ApiResponses responses;
  private final GroupControl control;
  private final GroupCircuits circuits;

  public GroupApiRoute(
      ResourceGroups groups,
      TaskReader reader,
      ApiResponses responses,
      GroupControl control,
      GroupCircuits circuits) {
    this.control = control;
    this.circuits = circuits;
    this.groups = groups;
    this.reader = reader;
    this.responses = responses;
  }

  @Override
  public void configure() {
    rest("/api/groups")
        .description("Resource groups")
        .get()
        .description(
            "Every configured group: depth (pending tasks), running, a count per task state and"
                + " the group's settings (concurrency, ordering, retry)")
        .produces("application/json")
        .id("listGroups")
        .outType(Group[].class)
        .responseMessage()
        .code(200)
        .message("The groups, in configuration order")
        .responseModel(Group[].class)
        .endResponseMessage()
        .to("direct:api-groups")
        .get("/{name}")
        .description("One group: depth, running, a count per task state and its settings")
        .param()
        .name("name")
        .type(RestParamType.path)
        .description("The group name")
        .endParam()
        .produces("application/json")
        .id("getGroup")
        .outType(Group.class)
        .responseMessage()
        .code(200)
        .message("The group")
        .responseModel(Group.class)
        .endResponseMessage()
        .responseMessage()
        .code(404)
        .message("No such group is configured")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-group");

    control(
        "pause",
        "Pauses the group on every node: no node takes its tasks (running ones finish), they stay"
            + " pending, enqueue keeps accepting them; survives restarts. Safe to repeat."
            + " Answers the group.");
    control(
        "resume",
        "Resumes a paused group on every node (within a second). Safe to repeat. Answers the"
            + " group.");

    from("direct:api-groups")
        .routeId("api-groups")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(this::all);

    from("direct:api-group")
        .routeId("api-group")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(this::one);

    for (String verb : List.of("pause", "resume")) {
      from("direct:api-group-" + verb)
          .routeId("api-group-" + verb)
          .routeConfigurationId(ApiErrorConfiguration.ID)
          .process(e -> pauseRequest(e, verb.equals("pause")))
          .to(Endpoints.PAUSE_GROUP)
          .process(this::one);
    }
  }

  /** {@code POST /api/groups/{name}/<verb>}, answered by {@code direct:api-group-<verb>}. */
  private void control(String verb, String description) {
    rest("/api/groups")
        .post("/{name}/" + verb)
        .description(description)
        .param()
        .name("name")
        .type(RestParamType.path)
        .description("The group name")
        .endParam()
        .produces("application/json")
        .id(verb + "Group")
        .outType(Group.class)
        .responseMessage()
        .code(200)
        .message("The group, " + verb + "d")
        .responseModel(Group.class)
        .endResponseMessage()
        .responseMessage()
        .code(404)
        .message("No such group is configured")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-group-" + verb);
  }

  private void pauseRequest(Exchange exchange, boolean pause) {
    String name = exchange.getIn().getHeader("name", String.class);
    if (!groups.isKnown(name)) {
      throw new ApiException(
          404, "No group '" + name + "'; configured groups: " + groups.names(), "name");
    }
    exchange.getIn().setBody(null);
    exchange.getIn().setHeader(TaskConstants.GROUP, name);
    exchange.getIn().setHeader("GroupPaused", pause);
    exchange.getIn().setHeader("GroupChangedBy", "the API");
  }

  private void all(Exchange exchange) {
    Map<String, Map<String, Long>> counts = reader.countsByGroup();
    List<Map<String, Object>> all = new ArrayList<>();
    for (String name : groups.names()) {
      all.add(view(name, counts.getOrDefault(name, Map.of())));
    }
    responses.json(exchange, 200, all);
  }

  private void one(Exchange exchange) {
    String name = exchange.getIn().getHeader("name", String.class);
    if (!groups.isKnown(name)) {
      throw new ApiException(
          404, "No group '" + name + "'; configured groups: " + groups.names(), "name");
    }
    responses.json(exchange, 200, view(name, reader.countsByGroup().getOrDefault(name, Map.of())));
  }

  private Map<String, Object> view(String name, Map<String, Long> byStatus) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (TaskStatus status : TaskStatus.values()) {
      counts.put(status.dbValue(), byStatus.getOrDefault(status.dbValue(), 0L));
    }
    Map<String, Object> group = new LinkedHashMap<>();
    group.put("name", name);
    group.put("depth", counts.get(TaskStatus.PENDING.dbValue()));
    group.put("running", counts.get(TaskStatus.RUNNING.dbValue()));
    group.put("counts", counts);
    GroupControl.Pause pause = control.pause(name);
    group.put("paused", pause.paused());
    group.put("pausedChangedAt", pause.changedAt() == null ? null : pause.changedAt().toString());
    GroupCircuits.View circuit = circuits.view(name);
    group.put("circuitState", circuit.state());
    group.put("circuitSince", circuit.since() == null ? null : circuit.since().toString());
    group.put("circuitUntil", circuit.until() == null ? null : circuit.until().toString());
    group.put("settings", settings(groups.settings(name)));
    return group;
  }

  private static Map<String, Object> settings(GroupSettings settings) {
    GroupSettings.Retry retry = settings.getRetry();
    Map<String, Object> retryView = new LinkedHashMap<>();
    retryView.put("maxAttempts", retry.getMaxAttempts());
    retryView.put("initialDelay", retry.getInitialDelay().toString());
    retryView.put("multiplier", retry.getMultiplier());
    retryView.put("maxDelay", retry.getMaxDelay().toString());
    retryView.put("jitter", retry.getJitter());
    retryView.put("retryBusiness", retry.isRetryBusiness());
    retryView.put("databaseDelay", retry.getDatabaseDelay().toString());
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("concurrency", settings.getConcurrency());
    view.put("consumers", settings.effectiveConcurrency());
    view.put("ordering", settings.getOrdering().name().toLowerCase());
    view.put("prefetch", settings.effectivePrefetch());
    view.put("receiveBatch", settings.effectiveReceiveBatch());
    view.put("receivers", settings.effectiveReceivers());
    view.put(
        "batch",
        Map.of(
            "size",
            settings.getBatch().getSize(),
            "timeout",
            settings.getBatch().getTimeout().toString()));
    view.put("retry", retryView);
    GroupSettings.CircuitBreaker cb = settings.getCircuitBreaker();
    Map<String, Object> breaker = new LinkedHashMap<>();
    breaker.put("enabled", cb.isEnabled());
    breaker.put("failureRateThreshold", cb.getFailureRateThreshold());
    breaker.put("minimumCalls", cb.getMinimumCalls());
    breaker.put("window", cb.getWindow());
    breaker.put("openFor", cb.getOpenFor().toString());
    breaker.put("halfOpenCalls", cb.getHalfOpenCalls());
    view.put("circuitBreaker", breaker);
    GroupSettings.Throttle throttle = settings.getThrottle();
    view.put(
        "throttle",
        Map.of(
            "maxRequests",
            throttle.getMaxRequests(),
            "period",
            throttle.getPeriod().toString(),
            "scope",
            throttle.getScope().name().toLowerCase()));
    return view;
  }
}
