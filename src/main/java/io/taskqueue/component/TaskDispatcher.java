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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  /** Whether the handler of {@code type} on this node is a batch handler ({@code ?batch=true}). */
  public boolean isBatch(String type) {
    TaskConsumer handler = type == null ? null : component.handler(type);
    return handler != null && handler.getEndpoint().isBatch();
  }

  /**
   * Starts a batch handler with tasks of one type: the body is the list of their payloads, the
   * header {@code TaskIds} their ids in the same order. The future's value has one element per
   * task, in order: the result as JSON text, or the {@link Throwable} that failed that task.
   *
   * @throws NoHandlerException when no route consumes {@code task:<type>} on this node
   */
  public Future<List<Object>> startBatch(List<TaskItem> tasks) throws Exception {
    String type = tasks.get(0).type();
    TaskConsumer handler = component.handler(type);
    if (handler == null) {
      throw new NoHandlerException(type);
    }
    Exchange run = handler.getEndpoint().createExchange();
    Message msg = run.getIn();
    List<Object> payloads = new ArrayList<>(tasks.size());
    List<String> ids = new ArrayList<>(tasks.size());
    List<Integer> attempts = new ArrayList<>(tasks.size());
    for (TaskItem task : tasks) {
      payloads.add(json.readValue(task.payload(), Object.class));
      ids.add(task.id());
      attempts.add(task.attempt());
    }
    msg.setBody(payloads);
    msg.setHeader(TaskConstants.IDS, ids);
    msg.setHeader(TaskConstants.TYPE, type);
    msg.setHeader(TaskConstants.GROUP, tasks.get(0).group());
    msg.setHeader(TaskConstants.ATTEMPTS, attempts);
    msg.setHeader(TaskConstants.BATCH_SIZE, tasks.size());
    return runs.submit(
        () -> {
          handler.getProcessor().process(run);
          if (run.getException() != null) {
            throw run.getException();
          }
          return results(run.getMessage().getBody(), tasks.size(), type);
        });
  }

  private List<Object> results(Object body, int expected, String type) throws Exception {
    List<?> list;
    if (body instanceof List<?> l) {
      list = l;
    } else if (body instanceof Object[] array) {
      list = Arrays.asList(array);
    } else {
      throw new IllegalStateException(
          "The batch handler of "
              + type
              + " must end with a list of one result per task, not "
              + (body == null ? "null" : body.getClass().getName()));
    }
    if (list.size() != expected) {
      throw new IllegalStateException(
          "The batch handler of "
              + type
              + " returned "
              + list.size()
              + " results for "
              + expected
              + " tasks");
    }
    List<Object> results = new ArrayList<>(expected);
    for (Object item : list) {
      results.add(item instanceof Throwable failed ? failed : toJson(item));
    }
    return results;
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
  public <T> T await(Future<T> run, String type, Duration timeout) throws Exception {
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
