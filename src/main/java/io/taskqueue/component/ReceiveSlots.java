package io.taskqueue.component;

/**
 * How many messages a {@link GroupQueueConsumer} may take now: the room the worker has for more
 * tasks. {@link #take} blocks until there is room for at least one; the consumer gives back what it
 * did not use with {@link #giveBack}.
 */
public interface ReceiveSlots {

  /**
   * Waits up to {@code waitMillis} for room and takes at most {@code max} slots.
   *
   * @return the slots taken, 0 when there was no room in time
   */
  int take(int max, long waitMillis) throws InterruptedException;

  /**
   * Whether the group takes no work now (paused, or its circuit open): a message received while it
   * turned so goes back to the broker undelivered.
   */
  default boolean heldBack() {
    return false;
  }

  /** Returns slots taken but not used. */
  void giveBack(int slots);
}
