package io.taskqueue.component;

import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;

/** Registers a handler route for its task type while the route runs. */
public class TaskConsumer extends DefaultConsumer {

  public TaskConsumer(TaskEndpoint endpoint, Processor processor) {
    super(endpoint, processor);
  }

  @Override
  public TaskEndpoint getEndpoint() {
    return (TaskEndpoint) super.getEndpoint();
  }

  @Override
  protected void doStart() throws Exception {
    super.doStart();
    getEndpoint().getComponent().register(getEndpoint().getType(), this);
  }

  @Override
  protected void doStop() throws Exception {
    getEndpoint().getComponent().unregister(getEndpoint().getType(), this);
    super.doStop();
  }
}
