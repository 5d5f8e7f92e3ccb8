package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.support.TaskQueueTestSupport;
import org.apache.camel.component.amqp.AMQPComponent;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The suite's application has no {@code camel.component.amqp.*} settings. Its {@code amqp:}
 * component must not take the task queue's own broker (the application's only JMS connection
 * factory, which it autowired before {@code io.taskqueue.config.AmqpConnection}); it gets Camel's
 * documented default, AMQP 1.0 to localhost:5672. Nothing is sent: this only inspects the factory.
 */
class AmqpWithoutSettingsTest extends TaskQueueTestSupport {

  @Autowired jakarta.jms.ConnectionFactory taskQueueBroker;

  @Test
  void anUnconfiguredAmqpComponentDoesNotUseTheTaskQueuesBroker() {
    AMQPComponent amqp = camel.getComponent("amqp", AMQPComponent.class);

    assertThat(amqp.getConfiguration().getConnectionFactory())
        .isNotSameAs(taskQueueBroker)
        .isInstanceOfSatisfying(
            JmsConnectionFactory.class,
            qpid -> assertThat(qpid.getRemoteURI()).isEqualTo("amqp://localhost:5672"));
  }
}
