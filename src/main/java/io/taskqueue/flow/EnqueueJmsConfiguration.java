package io.taskqueue.flow;

import org.apache.camel.component.jms.JmsComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JMS component of the enqueue's sends, {@link PublishRoute#ENQUEUE_JMS}. */
@Configuration(proxyBeanMethods = false)
public class EnqueueJmsConfiguration {

  @Bean(PublishRoute.ENQUEUE_JMS)
  public JmsComponent enqueueJms(BrokerSends sends) {
    // the broker's factory under an identity of its own: see BrokerSends
    JmsComponent jms = JmsComponent.jmsComponent(sends.connectionFactory());
    jms.getConfiguration().setLazyCreateTransactionManager(false);
    return jms;
  }
}
