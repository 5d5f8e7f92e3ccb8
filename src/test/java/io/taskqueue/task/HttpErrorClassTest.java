package io.taskqueue.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.ErrorClassifier;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;

/** The built-in error class of an HTTP answer a handler's HTTP client refused, by status code. */
class HttpErrorClassTest {

  private static HttpOperationFailedException refused(int status) {
    return new HttpOperationFailedException(
        "http://partner/orders", status, "status " + status, null, Map.of(), "{}");
  }

  @Test
  void serverErrorsAndBackPressureAreTransient() {
    for (int status : List.of(500, 502, 503, 504, 408, 425, 429)) {
      assertThat(TaskFailureKind.of(refused(status)))
          .as("%d", status)
          .isEqualTo(TaskFailureKind.TRANSIENT);
    }
  }

  @Test
  void otherClientErrorsAreValidation() {
    for (int status : List.of(400, 404, 409, 410, 422)) {
      assertThat(TaskFailureKind.of(refused(status)))
          .as("%d", status)
          .isEqualTo(TaskFailureKind.VALIDATION);
    }
  }

  @Test
  void credentialsAndUnfollowedRedirectsAreSystem() {
    for (int status : List.of(401, 403, 407, 301, 302)) {
      assertThat(TaskFailureKind.of(refused(status)))
          .as("%d", status)
          .isEqualTo(TaskFailureKind.SYSTEM);
    }
  }

  @Test
  void foundInTheCauseChainAndOverriddenByATypesMapping() {
    assertThat(TaskFailureKind.of(new CamelExchangeException("wrapped", null, refused(503))))
        .isEqualTo(TaskFailureKind.TRANSIENT);

    TaskQueueProperties properties = new TaskQueueProperties();
    TaskQueueProperties.TypeSettings type = new TaskQueueProperties.TypeSettings();
    type.setErrors(Map.of("transient", List.of(HttpOperationFailedException.class.getName())));
    properties.getTypes().put("partner.call", type);
    ErrorClassifier classifier = new ErrorClassifier(properties);
    assertThat(classifier.classify("g", "partner.call", refused(404)))
        .isEqualTo(TaskFailureKind.TRANSIENT);
    assertThat(classifier.classify("g", "other", refused(404)))
        .isEqualTo(TaskFailureKind.VALIDATION);
  }
}
