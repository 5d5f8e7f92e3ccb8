package io.taskqueue.api;

import io.taskqueue.api.schema.ApiError;
import io.taskqueue.api.schema.Task;
import io.taskqueue.api.schema.TaskPage;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.TaskExporter;
import io.taskqueue.store.TaskFilter;
import io.taskqueue.store.TaskReader;
import io.taskqueue.task.TaskIds;
import io.taskqueue.task.TaskRequestParser;
import io.taskqueue.task.TaskStatus;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.camel.util.IOHelper;
import org.springframework.stereotype.Component;

/**
 * The read side of the task API: {@code GET /api/tasks} (a filtered listing, newest first, one page
 * at a time) and {@code GET /api/tasks/export} (every matching task as NDJSON, streamed).
 */
@Component
public class TaskQueryApiRoute extends RouteBuilder {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  public static final String NDJSON = "application/x-ndjson";

  private static final Set<String> LIST_PARAMS =
      Set.of("status", "group", "type", "limit", "cursor");
  private static final Set<String> EXPORT_PARAMS = Set.of("status", "group", "type");

  private final TaskReader reader;
  private final TaskExporter exporter;
  private final ResourceGroups groups;
  private final ApiResponses responses;

  public TaskQueryApiRoute(
      TaskReader reader, TaskExporter exporter, ResourceGroups groups, ApiResponses responses) {
    this.reader = reader;
    this.exporter = exporter;
    this.groups = groups;
    this.responses = responses;
  }

  @Override
  public void configure() {
    RestDefinition list =
        rest("/api/tasks")
            .description("Tasks: query and export")
            .get()
            .description(
                "Lists tasks, newest first, one page at a time: {\"items\": [task...], \"next\":"
                    + " cursor or null}. Pass next back as cursor for the following page.")
            .produces("application/json");
    filterParams(list)
        .param()
        .name("limit")
        .type(RestParamType.query)
        .dataType("integer")
        .defaultValue(String.valueOf(DEFAULT_LIMIT))
        .description("Page size, 1 to " + MAX_LIMIT)
        .endParam()
        .param()
        .name("cursor")
        .type(RestParamType.query)
        .description("The next value of the previous page")
        .endParam()
        .id("listTasks")
        .outType(TaskPage.class)
        .responseMessage()
        .code(200)
        .message("A page of tasks")
        .responseModel(TaskPage.class)
        .endResponseMessage()
        .responseMessage()
        .code(400)
        .message("An invalid filter value; field names the parameter")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-list-tasks");

    // a literal path: Spring MVC prefers it to the /api/tasks/{id} pattern, so "export" is no id
    RestDefinition export =
        rest("/api/tasks")
            .get("/export")
            .description(
                "Every matching task as NDJSON (one task object per line, oldest first), streamed"
                    + " from a database cursor")
            .produces(NDJSON);
    filterParams(export)
        .id("exportTasks")
        .responseMessage()
        .code(200)
        .message("One JSON task per line")
        .responseModel(Task.class)
        .endResponseMessage()
        .responseMessage()
        .code(400)
        .message("An invalid filter value; field names the parameter")
        .responseModel(ApiError.class)
        .endResponseMessage()
        .to("direct:api-export-tasks");

    from("direct:api-list-tasks")
        .routeId("api-list-tasks")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(this::list);

    from("direct:api-export-tasks")
        .routeId("api-export-tasks")
        .routeConfigurationId(ApiErrorConfiguration.ID)
        .process(this::export);
  }

  private static RestDefinition filterParams(RestDefinition rest) {
    return rest.param()
        .name("status")
        .type(RestParamType.query)
        .description("Only tasks in this state")
        .allowableValues(Arrays.stream(TaskStatus.values()).map(TaskStatus::dbValue).toList())
        .endParam()
        .param()
        .name("group")
        .type(RestParamType.query)
        .description("Only tasks of this resource group (a configured one)")
        .endParam()
        .param()
        .name("type")
        .type(RestParamType.query)
        .description("Only tasks of this type")
        .endParam();
  }

  private void list(Exchange exchange) {
    QueryParams query = QueryParams.of(exchange, LIST_PARAMS);
    TaskFilter filter = filter(query);
    int limit = limit(query.get("limit"));
    if (query.given("cursor") && query.get("cursor") == null) {
      throw new ApiException(
          400,
          "cursor is empty; leave it out for the first page, then pass the next value of the"
              + " previous page",
          "cursor");
    }
    UUID cursor = cursor(query.get("cursor"));
    List<Map<String, Object>> items = reader.list(filter, cursor, limit + 1);
    String next = null;
    if (items.size() > limit) {
      items = items.subList(0, limit);
      next = (String) items.get(limit - 1).get("id");
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("next", next);
    responses.json(exchange, 200, page);
  }

  private void export(Exchange exchange) throws Exception {
    TaskFilter filter = filter(QueryParams.of(exchange, EXPORT_PARAMS));
    InputStream lines = exporter.open(filter);
    // the response is written before the unit of work is done; this only catches a failed write
    exchange
        .getExchangeExtension()
        .addOnCompletion(
            new SynchronizationAdapter() {
              @Override
              public void onDone(Exchange done) {
                IOHelper.close(lines);
              }
            });
    Message out = exchange.getMessage();
    out.removeHeaders("*");
    out.setBody(lines);
    out.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
    out.setHeader(Exchange.CONTENT_TYPE, NDJSON);
  }

  private TaskFilter filter(QueryParams query) {
    String status = query.get("status");
    if (status != null) {
      try {
        TaskStatus.fromDb(status);
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, e.getMessage(), "status");
      }
    }
    String group = query.get("group");
    if (group != null && !groups.isKnown(group)) {
      throw new ApiException(
          400, "Unknown group '" + group + "'; configured groups: " + groups.names(), "group");
    }
    String type = query.get("type");
    if (type != null && !TaskRequestParser.TYPE.matcher(type).matches()) {
      throw new ApiException(400, "type must match " + TaskRequestParser.TYPE.pattern(), "type");
    }
    return new TaskFilter(status, group, type);
  }

  private static int limit(String raw) {
    if (raw == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiException(
        400,
        "limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + raw + "'",
        "limit");
  }

  private static UUID cursor(String raw) {
    if (raw == null) {
      return null;
    }
    UUID cursor = TaskIds.parseOrNull(raw);
    if (cursor == null) {
      throw new ApiException(
          400, "cursor must be the next value of a previous page, not '" + raw + "'", "cursor");
    }
    return cursor;
  }
}
