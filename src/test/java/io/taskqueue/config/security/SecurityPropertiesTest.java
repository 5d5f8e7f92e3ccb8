package io.taskqueue.config.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.config.TaskQueueProperties;
import org.junit.jupiter.api.Test;

/** Which accounts {@code taskqueue.security.*} yields, the deprecated keys included. */
class SecurityPropertiesTest {

  @Test
  void noPasswordMeansOpenUnlessEnabled() {
    TaskQueueProperties.Security security = new TaskQueueProperties.Security();
    assertThat(security.isRequired()).isFalse();
    security.setEnabled(true);
    assertThat(security.isRequired()).isTrue();
    assertThat(security.effectiveOperator().isSet()).isFalse();
  }

  @Test
  void anyPasswordTurnsAuthenticationOn() {
    TaskQueueProperties.Security security = new TaskQueueProperties.Security();
    security.getReader().setPassword("r");
    assertThat(security.isRequired()).isTrue();
  }

  @Test
  void theDeprecatedKeysAreTheOperatorUnlessOperatorKeysAreSet() {
    TaskQueueProperties.Security security = new TaskQueueProperties.Security();
    security.setPassword("old");
    assertThat(security.isRequired()).isTrue();
    assertThat(security.effectiveOperator().getUsername()).isEqualTo("taskqueue");
    assertThat(security.effectiveOperator().getPassword()).isEqualTo("old");

    security.getOperator().setPassword("new");
    assertThat(security.effectiveOperator().getUsername()).isEqualTo("operator");
    assertThat(security.effectiveOperator().getPassword()).isEqualTo("new");
  }
}
