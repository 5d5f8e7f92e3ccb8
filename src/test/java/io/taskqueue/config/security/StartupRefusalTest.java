package io.taskqueue.config.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskqueue.support.TestApps;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Configurations the application refuses to start with, each with a message that says what to set.
 * The refusals come before any bean is created: no broker, no database file.
 */
class StartupRefusalTest {

  @Test
  void theOpenDefaultRefusesANonLoopbackAddress() {
    assertThatThrownBy(() -> TestApps.run(List.of(), "server.address=0.0.0.0"))
        .isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("server.address is '0.0.0.0', not a loopback address")
        .hasMessageContaining("TASKQUEUE_SECURITY_OPERATOR_PASSWORD")
        .hasMessageContaining("SERVER_ADDRESS=127.0.0.1");
  }

  @Test
  void theOpenDefaultRefusesASeparateActuatorPortOnEveryInterface() {
    assertThatThrownBy(() -> TestApps.run(List.of(), "management.server.port=0"))
        .isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("management.server.address is not set (every interface)");
  }

  @Test
  void theProdProfileRefusesToStartWithoutAnOperatorPassword() {
    assertThatThrownBy(() -> TestApps.run(List.of("prod")))
        .isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("no operator password")
        .hasMessageContaining("TASKQUEUE_SECURITY_OPERATOR_PASSWORD");
  }

  @Test
  void theProdProfileRefusesH2() {
    assertThatThrownBy(
            () -> TestApps.run(List.of("prod"), "taskqueue.security.operator.password=s3cret"))
        .isInstanceOf(UnsafeConfigurationException.class)
        .hasMessageContaining("The prod profile refuses H2")
        .hasMessageContaining("SPRING_DATASOURCE_URL=jdbc:postgresql://");
  }

  @Test
  void aLoopbackAddressIsNotRefused() {
    assertThat(ExposureGuard.isLoopback("127.0.0.1")).isTrue();
    assertThat(ExposureGuard.isLoopback("::1")).isTrue();
    assertThat(ExposureGuard.isLoopback("localhost")).isTrue();
    assertThat(ExposureGuard.isLoopback("0.0.0.0")).isFalse();
    assertThat(ExposureGuard.isLoopback(null)).isFalse();
  }
}
