package io.taskqueue.component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskqueue.task.HandlerTimeoutException;
import io.taskqueue.task.TaskConstants;
import io.taskqueue.task.TaskItem;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Runs an acquired task's handler route ({@code task:<type>}) on an exchange of its own, so a
 * handler can change body and headers freely without touching the worker's bookkeeping.
 *
 * <p>The handler sees the payload as parsed JSON (a {@code Map} for an object) and the headers
 * {@code TaskId}, {@code TaskType}, {@code TaskGroup}, {@code TaskAttempt}. Its final body is the
 * task's result, stored as JSON. An exception from the handler fails the attempt.
 *
 * <p>The handler runs on a thread of its own ({@code task-handler-<n>}), not on the worker's JMS
 * thread: the worker waits for it at most the handler timeout, then interrupts it and moves on, so
 * a handler that ignores the interrupt cannot hold the worker, and whatever it returns later is
 * never looked at.
 */
public class TaskDispatcher implements AutoCloseable {

  private final TaskComponent component;
  private final ObjectMapper json;
  private final ExecutorService runs;

  public TaskDispatcher(TaskComponent component, ObjectMapper json) {
    this.component = component;
    this.json = json;
    AtomicInteger threads = new AtomicInteger();
    this.runs =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "task-handler-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Whether a started route consumes {@code task:<type>} on this node. */
  public boolean handles(String type) {
    return type != null && component.handler(type) != null;
  }

  /**
   * Starts the handler of an acquired task on a handler thread; the future's value is the result as
   * JSON text.
   *
   * @throws NoHandlerException when no route consumes {@code task:<type>} on this node
   */
  public Future<String> start(TaskItem task) throws Exception {
    TaskConsumer handler = component.handler(task.type());
    if (handler == null) {
      throw new NoHandlerException(task.type());
    }
    Exchange run = handler.getEndpoint().createExchange();
    Message msg = run.getIn();
    msg.setBody(json.readValue(task.payload(), Object.class));
    handlerHeaders(msg, task);
    return runs.submit(
        () -> {
          handler.getProcessor().process(run);
          if (run.getException() != null) {
            throw run.getException();
          }
          return toJson(run.getMessage().getBody());
        });
  }

  /** The headers a handler route sees: the documented contract. */
  static void handlerHeaders(Message msg, TaskItem task) {
    msg.setHeader(TaskConstants.ID, task.id());
    msg.setHeader(TaskConstants.TYPE, task.type());
    msg.setHeader(TaskConstants.GROUP, task.group());
    msg.setHeader(TaskConstants.ATTEMPT, task.attempt());
    msg.setHeader(TaskConstants.MAX_ATTEMPTS, task.maxAttempts());
  }

  /**
   * Waits for a started handler. Past {@code timeout} (null: no limit) the handler thread is
   * interrupted and a {@link HandlerTimeoutException} thrown; a handler exception is rethrown as it
   * is. A run cancelled by someone else throws {@link CancellationException}.
   */
  public String await(Future<String> run, String type, Duration timeout) throws Exception {
    try {
      return timeout == null ? run.get() : run.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException late) {
      run.cancel(true);
      throw new HandlerTimeoutException(type, timeout);
    } catch (ExecutionException failed) {
      Throwable cause = failed.getCause();
      if (cause instanceof Exception e) {
        throw e;
      }
      throw failed; // an Error of the handler
    }
  }

  /** Interrupts handlers still running; called when the application context closes. */
  @Override
  public void close() {
    runs.shutdownNow();
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
