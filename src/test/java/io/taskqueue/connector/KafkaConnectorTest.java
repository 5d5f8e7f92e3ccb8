package io.taskqueue.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.taskqueue.support.TaskQueueTestSupport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Kafka through a real broker: a KRaft Kafka (spring-kafka-test's {@link EmbeddedKafkaKraftBroker},
 * the Kafka version Spring Boot manages) in this JVM on a free loopback port. The routes are the
 * README's examples ({@code connectors/kafka.camel.yaml}): a handler that publishes to a topic, and
 * the Kamelet catalog's {@code kafka-not-secured-source} bound to {@code direct:enqueue}. The only
 * setting is {@code camel.component.kafka.brokers}, as in production.
 *
 * <p>Its own application context and schema (the broker's address is only known at run time); the
 * broker stops after the context, so no consumer is left polling a broker that is gone.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.datasource.hikari.schema=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_kafka",
      "spring.flyway.schemas=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_kafka",
      "spring.flyway.default-schema=${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_kafka",
      "taskqueue.inbox-dir=target/test-inbox/${TASKQUEUE_TEST_DB_SCHEMA:tq_test}_kafka",
      // as README recommends: a record whose enqueue failed is read again, not skipped
      "camel.component.kafka.break-on-first-error=true"
    })
@Import(KafkaConnectorTest.StopKafkaAfterTheApp.class)
@DirtiesContext
class KafkaConnectorTest extends TaskQueueTestSupport {

  static final EmbeddedKafkaKraftBroker KAFKA = startKafka();

  static EmbeddedKafkaKraftBroker startKafka() {
    EmbeddedKafkaKraftBroker kafka =
        new EmbeddedKafkaKraftBroker(1, 1, "orders", "orders.tasks", "orders.tasks.invalid");
    // a consumer group forms at once (the broker's default waits 3 s for more members)
    kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
    kafka.brokerProperty("offsets.topic.num.partitions", "1");
    // the address goes to the application through camel.component.kafka.brokers only, not
    // through a JVM-wide spring.kafka.bootstrap-servers the other tests' contexts would see
    kafka.brokerListProperty(null);
    kafka.afterPropertiesSet();
    return kafka;
  }

  @DynamicPropertySource
  static void kafkaBrokers(DynamicPropertyRegistry registry) {
    registry.add("camel.component.kafka.brokers", KAFKA::getBrokersAsString);
  }

  /** Destroyed with the context, after Camel stopped its consumers. */
  @TestConfiguration(proxyBeanMethods = false)
  static class StopKafkaAfterTheApp implements DisposableBean {
    @Override
    public void destroy() {
      KAFKA.destroy();
      System.clearProperty(EmbeddedKafkaBroker.SPRING_EMBEDDED_KAFKA_BROKERS);
    }
  }

  @BeforeEach
  void routes() throws Exception {
    YamlRoutes.loadOnce(camel, "connectors/kafka.camel.yaml", "ingress-kafka-orders");
  }

  @Test
  void aHandlerPublishesItsTaskToATopic() {
    String id = enqueue("{\"type\":\"orders.publish\",\"payload\":{\"order\":42,\"sku\":\"A-7\"}}");

    awaitStatus(id, "completed");
    ConsumerRecord<String, String> record =
        read("orders", 1).stream().filter(r -> id.equals(r.key())).findFirst().orElseThrow();
    assertThat(json(record.value())).isEqualTo(json("{\"order\":42,\"sku\":\"A-7\"}"));
    assertThat(task(id).get("result")).isEqualTo(json("{\"order\":42,\"sku\":\"A-7\"}"));
  }

  @Test
  void aRecordBecomesATaskThatCompletes() throws Exception {
    ProducerRecord<String, String> record =
        new ProducerRecord<>(
            "orders.tasks", "{\"type\":\"demo.echo\",\"payload\":{\"via\":\"kafka\"}}");
    // record headers do not steer the flow
    record.headers().add("TaskGroup", "test".getBytes(StandardCharsets.UTF_8));
    record.headers().add("CamelSqlQuery", "DELETE FROM tasks".getBytes(StandardCharsets.UTF_8));
    RecordMetadata sent = send(record);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
    Map<String, Object> task = jdbc.queryForMap("SELECT * FROM tasks");
    assertThat(task.get("type")).isEqualTo("demo.echo");
    assertThat(task.get("resource_group")).isEqualTo("demo");
    assertThat(String.valueOf(task.get("payload"))).isEqualTo("{\"via\":\"kafka\"}");
    // read again after a crash, the same record would return this task instead of a new one
    assertThat(task.get("idempotency_key"))
        .isEqualTo("kafka:orders.tasks/" + sent.partition() + "/" + sent.offset());
  }

  @Test
  void anInvalidRecordGoesToTheInvalidTopicWithItsReason() throws Exception {
    String bad = "{\"type\":\"demo.echo\",\"priority\":\"high\",\"payload\":{\"n\":1}}";
    send(new ProducerRecord<>("orders.tasks", bad));

    ConsumerRecord<String, String> rejected =
        read("orders.tasks.invalid", 1).stream()
            .filter(r -> bad.equals(r.value()))
            .findFirst()
            .orElseThrow();
    Header reason = rejected.headers().lastHeader("TaskqueueRejectReason");
    assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("whole number");
    assertThat(count("SELECT COUNT(*) FROM tasks")).isZero();
  }

  /**
   * The database fails while a record is enqueued (its table is renamed away for a moment): the
   * record is not skipped; the consumer reads it again until the enqueue succeeds, and it becomes
   * one task.
   */
  @Test
  void aRecordWhoseEnqueueFailedIsReadAgainNotSkipped() throws Exception {
    AtomicInteger failed = new AtomicInteger();
    EventNotifierSupport failures =
        new EventNotifierSupport() {
          @Override
          public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.ExchangeFailedEvent e
                && e.getExchange().getFromEndpoint() != null
                && e.getExchange().getFromEndpoint().getEndpointUri().startsWith("kafka:")) {
              failed.incrementAndGet();
            }
          }
        };
    camel.getManagementStrategy().addEventNotifier(failures);
    try {
      jdbc.execute("ALTER TABLE tasks RENAME TO tasks_away");
      try {
        send(
            new ProducerRecord<>("orders.tasks", "{\"type\":\"demo.echo\",\"payload\":\"again\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> failed.get() >= 2);
      } finally {
        jdbc.execute("ALTER TABLE tasks_away RENAME TO tasks");
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'") == 1);
      assertThat(jdbc.queryForObject("SELECT payload FROM tasks", String.class))
          .isEqualTo("\"again\"");
    } finally {
      camel.getManagementStrategy().removeEventNotifier(failures);
    }
  }

  private static RecordMetadata send(ProducerRecord<String, String> record) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.getBrokersAsString(),
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      return producer.send(record).get();
    }
  }

  /** Reads the topic from its start until at least {@code atLeast} records came. */
  private static List<ConsumerRecord<String, String>> read(String topic, int atLeast) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.getBrokersAsString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false"),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollDelay(Duration.ZERO)
          .pollInSameThread() // a KafkaConsumer is used by one thread only
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= atLeast;
              });
      return records;
    }
  }
}
