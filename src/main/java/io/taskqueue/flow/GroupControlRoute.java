package io.taskqueue.flow;

import static io.taskqueue.store.StoreDialect.sql;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.taskqueue.group.GroupCircuits;
import io.taskqueue.group.GroupControl;
import io.taskqueue.group.GroupControlSettings;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.group.ResourceGroups;
import io.taskqueue.store.StoreDialect;
import io.taskqueue.task.FailureText;
import io.taskqueue.task.TaskConstants;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What every node must know of every group, shared through the database: the pause flags ({@code
 * group_control}) and the circuit states ({@code circuit_breaker_state}), read by each node every
 * {@code taskqueue.group-control.poll-interval} (1 s); a pause or resume, written by {@code
 * direct:pause-group}; a state change of this node's breaker, written by {@code
 * direct:circuit-state-save} and raised as an alert; the cluster-wide throttle's permits; the
 * periodic alert check.
 */
@Component
public class GroupControlRoute extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(GroupControlRoute.class);

  static final String PAUSED = "GroupPaused";
  static final String CHANGED_BY = "GroupChangedBy";
  private static final String PAUSES = "GroupPauses";
  private static final String CIRCUITS = "GroupCircuitStates";

  private final ResourceGroups groups;
  private final GroupControl control;
  private final GroupCircuits circuits;
  private final GroupControlSettings settings;
  private final AlertSettings alertSettings;
  private final Alerts alerts;
  private final FlowSupport flow;
  private final StoreDialect dialect;
  private final LazyProducer producer;
  private volatile ExecutorService circuitWriter;
  private volatile boolean pollFailing;

  public GroupControlRoute(
      ResourceGroups groups,
      GroupControl control,
      GroupCircuits circuits,
      GroupControlSettings settings,
      AlertSettings alertSettings,
      Alerts alerts,
      FlowSupport flow,
      StoreDialect dialect) {
    this.groups = groups;
    this.control = control;
    this.circuits = circuits;
    this.settings = settings;
    this.alertSettings = alertSettings;
    this.alerts = alerts;
    this.flow = flow;
    this.dialect = dialect;
    this.producer = new LazyProducer(this::getContext);
  }

  @Override
  public void configure() {
    circuits.useClock(flow::now);
    circuits.onChange(this::circuitChanged);
    for (Map.Entry<String, io.github.resilience4j.circuitbreaker.CircuitBreaker> breaker :
        circuits.breakers().entrySet()) {
      getContext().getRegistry().bind(GroupCircuits.beanName(breaker.getKey()), breaker.getValue());
    }
    circuitWriter =
        getContext().getExecutorServiceManager().newSingleThreadExecutor(this, "circuit-state");

    from("timer:taskqueue-group-control?delay=0&period="
            + Math.max(100, settings.getPollInterval().toMillis()))
        .routeId("group-control")
        .to(Endpoints.GROUP_CONTROL_POLL);

    from(Endpoints.GROUP_CONTROL_POLL)
        .routeId("group-control-poll")
        .onException(Exception.class)
        .handled(true)
        .logExhausted(false)
        .process(this::pollFailed)
        .end()
        .to(sql("group_pauses", "outputType=SelectList&outputHeader=" + PAUSES))
        .to(sql("circuit_states", "outputType=SelectList&outputHeader=" + CIRCUITS))
        .process(this::apply);

    // a pause or resume (headers TaskGroup, GroupPaused, GroupChangedBy), for every node
    from(Endpoints.PAUSE_GROUP)
        .routeId("pause-group")
        .process(flow::stamp)
        .to(dialect.dialectSql("group_pause_save", ""))
        .process(this::pauseSaved)
        .log(
            LoggingLevel.INFO,
            "Group ${header.TaskGroup} ${exchangeProperty.pauseVerb} by ${header.GroupChangedBy}");

    // a state change of this node's breaker of a group
    from(Endpoints.CIRCUIT_STATE_SAVE)
        .routeId("circuit-state-save")
        .process(flow::stamp)
        .to(dialect.dialectSql("circuit_state_save", ""));

    // one permit of a group's cluster-wide throttle (PostgreSQL): header ThrottleUsed is null when
    // the window's permits are used up
    if (dialect.isPostgres()) {
      from(Endpoints.THROTTLE_PERMIT)
          .routeId("throttle-permit")
          .transacted("dbTx")
          .to(dialect.dialectSql("throttle_lock", "outputType=SelectOne&outputHeader=ThrottleLock"))
          .to(
              dialect.dialectSql(
                  "throttle_permit", "outputType=SelectOne&outputHeader=" + Throttles.USED));
      from(Endpoints.THROTTLE_PRUNE).routeId("throttle-prune").to(sql("throttle_prune", ""));
    }

    from("timer:taskqueue-alerts?delay="
            + alertSettings.getCheckInterval().toMillis()
            + "&period="
            + Math.max(1000, alertSettings.getCheckInterval().toMillis()))
        .routeId("alert-check")
        .process(e -> alerts.check());
  }

  private void pollFailed(Exchange exchange) {
    Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    if (!pollFailing) {
      pollFailing = true;
      LOG.warn(
          "Cannot read the groups' pause flags and circuit states ({}); keeping the last ones read",
          FailureText.describe(error));
    }
  }

  @SuppressWarnings("unchecked")
  private void apply(Exchange exchange) {
    if (pollFailing) {
      pollFailing = false;
      LOG.info("Reading the groups' pause flags and circuit states again");
    }
    Map<String, GroupControl.Pause> pauses = new HashMap<>();
    for (Map<String, Object> row :
        (List<Map<String, Object>>) exchange.getIn().getHeader(PAUSES, List.class)) {
      pauses.put(
          (String) row.get("resource_group"),
          new GroupControl.Pause(
              Boolean.TRUE.equals(row.get("paused")),
              instant(row.get("changed_at")),
              (String) row.get("changed_by")));
    }
    Map<String, GroupCircuits.View> states = new HashMap<>();
    for (Map<String, Object> row :
        (List<Map<String, Object>>) exchange.getIn().getHeader(CIRCUITS, List.class)) {
      String node = (String) row.get("node");
      if (node != null && node.equals(flow.nodeName())) {
        continue; // this node's own change: its breaker knows better
      }
      states.put(
          (String) row.get("resource_group"),
          new GroupCircuits.View(
              (String) row.get("state"),
              instant(row.get("updated_at")),
              instant(row.get("open_until")),
              node));
    }
    for (String group : groups.names()) {
      circuits.clusterState(group, states.get(group));
    }
    control.loaded(pauses);
  }

  private void pauseSaved(Exchange exchange) {
    boolean paused = exchange.getIn().getHeader(PAUSED, Boolean.class);
    Timestamp now = exchange.getIn().getHeader(TaskConstants.NOW, Timestamp.class);
    control.changed(
        exchange.getIn().getHeader(TaskConstants.GROUP, String.class),
        new GroupControl.Pause(
            paused, now.toInstant(), exchange.getIn().getHeader(CHANGED_BY, String.class)));
    exchange.setProperty("pauseVerb", paused ? "paused" : "resumed");
  }

  /** On the thread that changed the breaker: persisted in order on one thread, and alerted. */
  private void circuitChanged(GroupCircuits.Change change) {
    GroupSettings.CircuitBreaker cb = groups.settings(change.group()).getCircuitBreaker();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("from", change.from().name());
    details.put("to", change.to().name());
    details.put("failedCalls", change.failedCalls());
    if (change.to() == State.OPEN) {
      details.put("until", String.valueOf(change.openUntil()));
      details.put("openFor", cb.getOpenFor().toString());
      // opened from closed: always raised; reopened after failed probes: once per quiet period
      alerts.raise(Alerts.CIRCUIT_OPENED, change.group(), details, change.from() == State.CLOSED);
    } else if (change.to() == State.CLOSED) {
      alerts.raise(Alerts.CIRCUIT_CLOSED, change.group(), details, true);
    } else {
      LOG.info(
          "Circuit of group {} went from {} to {}", change.group(), change.from(), change.to());
    }
    Map<String, Object> headers = new HashMap<>();
    headers.put(TaskConstants.GROUP, change.group());
    headers.put("CircuitState", change.to() == State.FORCED_OPEN ? "OPEN" : change.to().name());
    headers.put("CircuitFailures", (int) change.failedCalls());
    headers.put("CircuitOpenedAt", change.to() == State.OPEN ? Timestamp.from(flow.now()) : null);
    headers.put(
        "CircuitOpenUntil", change.openUntil() == null ? null : Timestamp.from(change.openUntil()));
    ExecutorService writer = circuitWriter;
    if (writer == null || writer.isShutdown()) {
      return;
    }
    writer.execute(
        () -> {
          try {
            producer.get().sendBodyAndHeaders(Endpoints.CIRCUIT_STATE_SAVE, null, headers);
          } catch (RuntimeException e) {
            LOG.warn(
                "Could not persist the circuit state of group {}: {}",
                change.group(),
                FailureText.describe(e));
          }
        });
  }

  private static Instant instant(Object column) {
    Timestamp t = FlowSupport.timestamp(column);
    return t == null ? null : t.toInstant();
  }
}
