package io.taskqueue.api;

import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.Group;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.TaskReader;
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

  public GroupApiRoute(ResourceGroups groups, TaskReader reader, ApiResponses responses) {
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

    from("direct:api-groups")
        .routeId("api-groups")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(this::all);

    from("direct:api-group")
        .routeId("api-group")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(this::one);
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
    return view;
  }
}
