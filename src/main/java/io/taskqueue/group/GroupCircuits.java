package io.taskqueue.group;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The circuit breaker of every group that enables one ({@code
 * taskqueue.groups.<g>.circuit-breaker.enabled}): one resilience4j breaker per group, used by the
 * group's {@code circuitBreaker} EIP (bound in Camel's registry as {@link #beanName}), and the
 * cluster's view of every group's circuit as the nodes persisted it in {@code
 * circuit_breaker_state}.
 *
 * <p>A group is held back (its receivers take no messages, so no task is acquired) while this
 * node's breaker is open, or while another node's persisted state says open until a time that has
 * not come yet: a breaker opened on one node is honoured by the others within one poll of the
 * table.
 */
@Component
public class GroupCircuits {

  /** The circuit of a group as shown by the API: state, since when, until when (open). */
  public record View(String state, Instant since, Instant until, String node) {}

  /** A state change of this node's breaker of {@code group}. */
  public record Change(String group, State from, State to, long failedCalls, Instant openUntil) {}

  /** When a task refused by a half-open circuit (its probes taken) runs again, at most. */
  private static final Duration HALF_OPEN_RETRY = Duration.ofSeconds(5);

  private final ResourceGroups groups;
  private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<String, View> local = new ConcurrentHashMap<>();
  private final Map<String, View> cluster = new ConcurrentHashMap<>();
  private volatile BiPredicate<String, Throwable> counts = (group, t) -> true;
  private volatile Consumer<Change> listener = c -> {};
  private volatile Supplier<Instant> clock = Instant::now;

  public GroupCircuits(ResourceGroups groups) {
    this.groups = groups;
    for (String group : groups.names()) {
      GroupSettings.CircuitBreaker settings = groups.settings(group).getCircuitBreaker();
      if (settings.isEnabled()) {
        breakers.put(group, create(group, settings));
      }
    }
  }

  private CircuitBreaker create(String group, GroupSettings.CircuitBreaker settings) {
    int window = Math.max(1, settings.getWindow());
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(window)
            .minimumNumberOfCalls(Math.max(1, Math.min(settings.getMinimumCalls(), window)))
            .failureRateThreshold(settings.getFailureRateThreshold())
            .waitDurationInOpenState(settings.getOpenFor())
            .permittedNumberOfCallsInHalfOpenState(Math.max(1, settings.getHalfOpenCalls()))
            // the receivers make no calls while the circuit is open: time alone must half-open it
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .recordException(t -> counts.test(group, t))
            .build();
    CircuitBreaker breaker = CircuitBreaker.of("taskqueue-" + group, config);
    breaker
        .getEventPublisher()
        .onStateTransition(
            event -> {
              State to = event.getStateTransition().getToState();
              State from = event.getStateTransition().getFromState();
              Instant now = clock.get();
              Instant until = to == State.OPEN ? now.plus(settings.getOpenFor()) : null;
              local.put(group, new View(to.name(), now, until, null));
              listener.accept(
                  new Change(
                      group, from, to, breaker.getMetrics().getNumberOfFailedCalls(), until));
            });
    return breaker;
  }

  /** The Camel registry name of the group's breaker, for {@code circuitBreaker(ref)}. */
  public static String beanName(String group) {
    return "taskqueueCircuit-" + group;
  }

  /** Every group's breaker (enabled groups only). */
  public Map<String, CircuitBreaker> breakers() {
    return Map.copyOf(breakers);
  }

  public Optional<CircuitBreaker> breaker(String group) {
    return Optional.ofNullable(breakers.get(group));
  }

  /**
   * Which handler failures (of a group) count against its circuit; the others are recorded as
   * successful calls.
   */
  public void countFailuresWhen(BiPredicate<String, Throwable> predicate) {
    this.counts = predicate;
  }

  /** Told of every state change of a breaker of this node (on the thread that caused it). */
  public void onChange(Consumer<Change> listener) {
    this.listener = listener;
  }

  /** The clock circuit times are taken from (the database clock, shared by the nodes). */
  public void useClock(Supplier<Instant> clock) {
    this.clock = clock;
  }

  /** A group's circuit as persisted by the latest node that changed it. */
  public void clusterState(String group, View view) {
    if (view == null) {
      cluster.remove(group);
    } else {
      cluster.put(group, view);
    }
  }

  /**
   * Whether the group takes no new work now: this node's breaker is open, or the cluster's latest
   * state is open and its {@code until} has not come.
   */
  public boolean holdsBack(String group) {
    CircuitBreaker breaker = breakers.get(group);
    if (breaker == null) {
      return false;
    }
    State state = breaker.getState();
    if (state == State.OPEN || state == State.FORCED_OPEN) {
      return true;
    }
    View shared = cluster.get(group);
    return shared != null
        && State.OPEN.name().equals(shared.state())
        && shared.until() != null
        && shared.until().isAfter(clock.get());
  }

  /**
   * When a task short-circuited now should run again: when the open circuit lets probes through, or
   * (half-open, the probes taken) a few seconds from now.
   */
  public Instant retryAt(String group) {
    Instant now = clock.get();
    Instant until = null;
    for (View view : new View[] {local.get(group), cluster.get(group)}) {
      if (view != null
          && view.until() != null
          && view.until().isAfter(now)
          && (until == null || view.until().isAfter(until))) {
        until = view.until();
      }
    }
    if (until != null) {
      return until;
    }
    Duration openFor = groups.settings(group).getCircuitBreaker().getOpenFor();
    return now.plus(openFor.compareTo(HALF_OPEN_RETRY) < 0 ? openFor : HALF_OPEN_RETRY);
  }

  /**
   * The group's circuit for the API: {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}, with since
   * and until; the latest change seen on this node or persisted by another, {@code DISABLED} when
   * the group has no breaker.
   */
  public View view(String group) {
    CircuitBreaker breaker = breakers.get(group);
    if (breaker == null) {
      return new View("DISABLED", null, null, null);
    }
    State state = breaker.getState();
    View mine = local.get(group);
    View shared = cluster.get(group);
    if (state == State.CLOSED && holdsBack(group)) {
      return shared; // another node opened it; this node holds back until then
    }
    String name = state == State.FORCED_OPEN ? State.OPEN.name() : state.name();
    Instant since = mine == null ? null : mine.since();
    Instant until = mine != null && State.OPEN.name().equals(name) ? mine.until() : null;
    return new View(name, since, until, null);
  }
}
