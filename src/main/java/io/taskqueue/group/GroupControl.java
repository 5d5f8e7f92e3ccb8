package io.taskqueue.group;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Whether a group's receivers may take work: not before this node has read the groups' persisted
 * state once (so a group paused before a restart stays paused from the first message on), not while
 * the group is paused ({@code group_control}, polled by every node), not while its circuit is open
 * ({@link GroupCircuits}).
 */
@Component
public class GroupControl {

  /** A group's pause flag as persisted: who changed it last, and when. */
  public record Pause(boolean paused, Instant changedAt, String changedBy) {}

  private final GroupCircuits circuits;
  private final Map<String, Pause> pauses = new ConcurrentHashMap<>();
  private volatile boolean loaded;

  public GroupControl(GroupCircuits circuits) {
    this.circuits = circuits;
  }

  /** The persisted pause flags, read from the database (every node, every poll). */
  public void loaded(Map<String, Pause> persisted) {
    pauses.keySet().retainAll(persisted.keySet());
    pauses.putAll(persisted);
    loaded = true;
  }

  /** A pause or resume this node just committed: effective here at once. */
  public void changed(String group, Pause pause) {
    pauses.put(group, pause);
  }

  public boolean isLoaded() {
    return loaded;
  }

  public boolean isPaused(String group) {
    Pause pause = pauses.get(group);
    return pause != null && pause.paused();
  }

  public Pause pause(String group) {
    return pauses.getOrDefault(group, new Pause(false, null, null));
  }

  /** Whether the group's receivers take no message now. */
  public boolean holdsBack(String group) {
    return !loaded || isPaused(group) || circuits.holdsBack(group);
  }
}
