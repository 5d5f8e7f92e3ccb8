package io.taskqueue.component;

/** No started route consumes {@code task:<type>} on this node. */
public class NoHandlerException extends RuntimeException {

  public NoHandlerException(String type) {
    super(
        "No handler route for task type '"
            + type
            + "' on this node: add a route from task:"
            + type);
  }
}
