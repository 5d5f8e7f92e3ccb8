package io.taskqueue.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.taskqueue.component.GroupQueueComponent;
import io.taskqueue.component.TaskComponent;
import io.taskqueue.component.TaskDispatcher;
import io.taskqueue.task.TaskRequestParser;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The engine's beans; each can be replaced by declaring a bean of the same type. */
@Configuration(proxyBeanMethods = false)
public class TaskQueueConfiguration {

  /** The {@code task:} component, under the name Camel resolves the scheme with. */
  @Bean("task")
  @ConditionalOnMissingBean
  public TaskComponent taskComponent() {
    return new TaskComponent();
  }

  /** The {@code groupqueue:} component the worker routes consume their group queues with. */
  @Bean("groupqueue")
  public GroupQueueComponent groupQueueComponent(jakarta.jms.ConnectionFactory connectionFactory) {
    return new GroupQueueComponent(connectionFactory);
  }

  @Bean
  @ConditionalOnMissingBean
  public TaskDispatcher taskDispatcher(TaskComponent task, ObjectMapper objectMapper) {
    return new TaskDispatcher(task, objectMapper);
  }

  @Bean
  @ConditionalOnMissingBean
  public TaskRequestParser taskRequestParser(TaskQueueProperties properties) {
    return new TaskRequestParser(
        properties.getPayloadMaxBytes(),
        properties.getBatchMaxTasks(),
        properties.getRunAtHorizon(),
        java.time.Clock.systemUTC());
  }

  /**
   * {@code transacted("dbTx")}: the database transaction around writes that must commit together
   * (two transitions of a retry, a task row and its broker message).
   */
  @Bean("dbTx")
  public SpringTransactionPolicy dbTx(PlatformTransactionManager transactionManager) {
    SpringTransactionPolicy policy = new SpringTransactionPolicy(transactionManager);
    policy.setPropagationBehaviorName("PROPAGATION_REQUIRED");
    return policy;
  }
}
