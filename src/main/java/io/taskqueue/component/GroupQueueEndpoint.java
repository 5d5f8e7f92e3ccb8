package io.taskqueue.component;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** A resource group's queue, consumed in batches ({@link GroupQueueConsumer}); consumer only. */
public class GroupQueueEndpoint extends DefaultEndpoint {

  private final String queue;
  private int maxBatch = 100;
  private int receivers = 1;
  private String slotsRef;
  private int windowBytes;

  GroupQueueEndpoint(String uri, GroupQueueComponent component, String queue) {
    super(uri, component);
    this.queue = queue;
  }

  @Override
  public Producer createProducer() {
    throw new UnsupportedOperationException(
        "groupqueue: is consumer only; send tasks with direct:enqueue");
  }

  @Override
  public Consumer createConsumer(Processor processor) throws Exception {
    GroupQueueConsumer consumer = new GroupQueueConsumer(this, processor);
    configureConsumer(consumer);
    return consumer;
  }

  @Override
  public boolean isSingleton() {
    return true;
  }

  public String getQueue() {
    return queue;
  }

  /** The most messages one broker transaction takes. */
  public int getMaxBatch() {
    return maxBatch;
  }

  public void setMaxBatch(int maxBatch) {
    this.maxBatch = maxBatch;
  }

  /** Threads receiving from the queue, each with its own session. */
  public int getReceivers() {
    return receivers;
  }

  public void setReceivers(int receivers) {
    this.receivers = receivers;
  }

  /** Registry name of the {@link ReceiveSlots} that bound how much is taken (none: maxBatch). */
  public String getSlots() {
    return slotsRef;
  }

  public void setSlots(String slotsRef) {
    this.slotsRef = slotsRef;
  }

  /** Bytes of messages each receiver's client buffers ahead (Artemis consumer window). */
  public int getWindowBytes() {
    return windowBytes;
  }

  public void setWindowBytes(int windowBytes) {
    this.windowBytes = windowBytes;
  }

  GroupQueueComponent component() {
    return (GroupQueueComponent) getComponent();
  }
}
