package io.taskqueue.component;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** {@code task:<type>}: the handler of one task type. */
@UriEndpoint(
    firstVersion = "0.1.0",
    scheme = "task",
    title = "Task",
    syntax = "task:type",
    consumerOnly = true,
    category = {Category.CORE})
public class TaskEndpoint extends DefaultEndpoint {

  /** The task type this route handles, e.g. {@code email.send}. */
  @UriPath private final String type;

  /**
   * A batch handler: it gets the tasks of its type collected by the group's aggregator ({@code
   * taskqueue.groups.<group>.batch.size} / {@code .timeout}): the body is the list of their
   * payloads, the header {@code TaskIds} lists their ids in the same order, and its final body must
   * be a list with one result per task, in order. An element that is an exception fails only that
   * task; an exception thrown by the route fails every task of the batch.
   */
  @UriParam(defaultValue = "false")
  private boolean batch;

  public TaskEndpoint(String uri, TaskComponent component, String type) {
    super(uri, component);
    this.type = type;
  }

  public String getType() {
    return type;
  }

  public boolean isBatch() {
    return batch;
  }

  public void setBatch(boolean batch) {
    this.batch = batch;
  }

  @Override
  public TaskComponent getComponent() {
    return (TaskComponent) super.getComponent();
  }

  @Override
  public Producer createProducer() {
    throw new UnsupportedOperationException(
        "task:"
            + type
            + " is a handler (consumer) endpoint; to enqueue a task send its JSON to direct:enqueue");
  }

  @Override
  public Consumer createConsumer(Processor processor) throws Exception {
    TaskConsumer consumer = new TaskConsumer(this, processor);
    configureConsumer(consumer);
    return consumer;
  }
}
