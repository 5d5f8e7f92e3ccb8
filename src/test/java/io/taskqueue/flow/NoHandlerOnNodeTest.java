package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.time.Duration;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node without the handler of a task's type does not spend the task's attempts: it hands the
 * message back to the broker (for a node that has the handler), and runs the task once a handler
 * route exists.
 */
class NoHandlerOnNodeTest extends TaskQueueTestSupport {

  @AfterEach
  void removeLateHandler() throws Exception {
    if (camel.getRoute("late-handler") != null) {
      camel.getRouteController().stopRoute("late-handler");
      camel.removeRoute("late-handler");
    }
  }

  @Test
  void aTaskWithoutALocalHandlerWaitsPendingAndRunsOnceAHandlerAppears() throws Exception {
    String id = enqueue("{\"type\":\"test.elsewhere\",\"payload\":{\"n\":1},\"maxAttempts\":2}");
    Queue queue = broker.getActiveMQServer().locateQueue("taskqueue.group.test");
    long rolledBackBefore = queue.getMessagesKilled();

    // offered again and again (a copy goes back to the queue, due within a second), never acquired
    // here
    await()
        .atMost(Duration.ofSeconds(15))
        .during(Duration.ofSeconds(2))
        .until(() -> "pending".equals(status(id)));
    await().atMost(Duration.ofSeconds(10)).until(() -> deliveryCount(queue) >= 3);
    assertThat(status(id)).isEqualTo("pending");
    assertThat(task(id).get("attempts").asInt()).isZero();
    assertThat(transitions(id)).containsExactly("null->pending");
    assertThat(queue.getMessagesKilled()).isEqualTo(rolledBackBefore);
    assertThat(messagesFor("taskqueue.dlq.test", id)).isZero();

    // a rolling deployment brings the handler to this node
    camel.addRoutes(
        new RouteBuilder() {
          @Override
          public void configure() {
            from("task:test.elsewhere").routeId("late-handler").setBody(constant("ran here"));
          }
        });
    awaitStatus(id, "completed");
    assertThat(task(id).get("attempts").asInt()).isEqualTo(1);
    assertThat(task(id).get("result").asText()).isEqualTo("ran here");
  }

  /** The highest delivery count of a message waiting on the queue (redelivery delay included). */
  private static int deliveryCount(Queue queue) {
    int max = 0;
    for (MessageReference ref : queue.getScheduledMessages()) {
      max = Math.max(max, offers(ref));
    }
    var refs = queue.browserIterator();
    try {
      while (refs.hasNext()) {
        max = Math.max(max, offers(refs.next()));
      }
    } finally {
      refs.close();
    }
    return max;
  }
}
