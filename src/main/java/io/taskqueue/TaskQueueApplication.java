package io.taskqueue;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Starts camel-taskqueue: the task flow is the Camel routes in {@code io.taskqueue.flow}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TaskQueueApplication {

  public static void main(String[] args) {
    SpringApplication.run(TaskQueueApplication.class, args);
  }
}
