package io.taskqueue.component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TransientTaskException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Runs an acquired task's handler route ({@code task:<type>}) on an exchange of its own, so a
 * handler can change body and headers freely without touching the worker's bookkeeping.
 *
 * <p>The handler sees the payload as parsed JSON (a {@code Map} for an object) and the headers
 * {@code TaskId}, {@code TaskType}, {@code TaskGroup}, {@code TaskAttempt}. Its final body is the
 * task's result, stored as JSON. An exception from the handler fails the attempt.
 */
public class TaskDispatcher {

  private final TaskComponent component;
  private final ObjectMapper json;

  public TaskDispatcher(TaskComponent component, ObjectMapper json) {
    this.component = component;
    this.json = json;
  }

  public void dispatch(Exchange exchange) throws Exception {
    Message in = exchange.getIn();
    String type = in.getHeader(TaskConstants.TYPE, String.class);
    TaskConsumer handler = component.handler(type);
    if (handler == null) {
      // transient: a rolling deployment may bring the handler to this node before retries run out
      throw new TransientTaskException(
          "No handler route for task type '" + type + "': add a route from task:" + type);
    }
    Exchange run = handler.getEndpoint().createExchange();
    Message msg = run.getIn();
    msg.setBody(json.readValue(in.getHeader(TaskConstants.PAYLOAD, String.class), Object.class));
    for (String header :
        new String[] {
          TaskConstants.ID,
          TaskConstants.TYPE,
          TaskConstants.GROUP,
          TaskConstants.ATTEMPT,
          TaskConstants.MAX_ATTEMPTS
        }) {
      msg.setHeader(header, in.getHeader(header));
    }
    handler.getProcessor().process(run);
    if (run.getException() != null) {
      throw run.getException();
    }
    in.setHeader(TaskConstants.RESULT, toJson(run.getMessage().getBody()));
  }

  /** A handler's final body as JSON text: a String that is valid JSON is kept as it is. */
  String toJson(Object body) throws JsonProcessingException {
    if (body instanceof byte[] bytes) {
      body = new String(bytes, StandardCharsets.UTF_8);
    } else if (body instanceof InputStream stream) {
      try (stream) {
        body = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new IllegalStateException("Cannot read the handler's result stream", e);
      }
    }
    if (body instanceof String text) {
      try {
        if (!text.isBlank()) {
          json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(text);
          return text;
        }
      } catch (JsonProcessingException notJson) {
        return json.writeValueAsString(text);
      }
    }
    return json.writeValueAsString(body);
  }
}
