package io.taskqueue.flow;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code taskqueue.enqueue.*}: the group commit of enqueues ({@link EnqueueCommits}) and the
 * asynchronous lifecycle events ({@link TaskEvents}). The defaults need no tuning.
 */
@ConfigurationProperties("taskqueue.enqueue")
public class EnqueueSettings {

  /**
   * Writer threads of the group commit: how many groups of enqueues may be committed at the same
   * time. 2 lets one group wait for its database commit while the next is inserted and sent.
   */
  private int writers = 2;

  /**
   * Most enqueue requests one group commit takes (a request is one task, or one batch of them);
   * under load a group holds whatever queued up while the previous one was being written.
   */
  private int maxGroup = 256;

  /**
   * Lifecycle events waiting to be sent to {@code taskqueue.events}; when the queue is full further
   * events are dropped and counted ({@code taskqueue.events.dropped}): they are notifications, the
   * task history in the database is the record.
   */
  private int eventQueueCapacity = 50_000;

  public int getWriters() {
    return writers;
  }

  public void setWriters(int writers) {
    this.writers = writers;
  }

  public int getMaxGroup() {
    return maxGroup;
  }

  public void setMaxGroup(int maxGroup) {
    this.maxGroup = maxGroup;
  }

  public int getEventQueueCapacity() {
    return eventQueueCapacity;
  }

  public void setEventQueueCapacity(int eventQueueCapacity) {
    this.eventQueueCapacity = eventQueueCapacity;
  }
}
