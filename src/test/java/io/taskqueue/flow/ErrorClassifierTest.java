package io.taskqueue.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.taskqueue.config.TaskQueueProperties;
import io.taskqueue.flow.ErrorClassifier.ErrorClassConfigurationException;
import io.taskqueue.group.GroupSettings;
import io.taskqueue.task.BusinessPolicy;
import io.taskqueue.task.BusinessTaskException;
import io.taskqueue.task.HandlerTimeoutException;
import io.taskqueue.task.TaskFailureKind;
import io.taskqueue.task.TaskValidationException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.dao.DataIntegrityViolationException;

/** The classifier and its configuration, without an application. */
class ErrorClassifierTest {

  static class Custom extends RuntimeException {
    Custom(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static class CustomSub extends Custom {
    CustomSub() {
      super("sub", null);
    }
  }

  @Test
  void builtInClassesWithoutConfiguration() {
    ErrorClassifier classifier = new ErrorClassifier(new TaskQueueProperties());

    assertThat(classify(classifier, new TaskValidationException("x")))
        .isEqualTo(TaskFailureKind.VALIDATION);
    assertThat(classify(classifier, new BusinessTaskException("x")))
        .isEqualTo(TaskFailureKind.BUSINESS);
    assertThat(classify(classifier, new HandlerTimeoutException("t", Duration.ofSeconds(1))))
        .isEqualTo(TaskFailureKind.TRANSIENT);
    assertThat(classify(classifier, new TimeoutException())).isEqualTo(TaskFailureKind.TRANSIENT);
    assertThat(
            classify(
                classifier, new UncheckedIOException(new ConnectException("Connection refused"))))
        .isEqualTo(TaskFailureKind.TRANSIENT);
    assertThat(classify(classifier, new RuntimeException(new SQLException("boom"))))
        .isEqualTo(TaskFailureKind.DATABASE);
    assertThat(classify(classifier, new DataIntegrityViolationException("dup")))
        .isEqualTo(TaskFailureKind.DATABASE);
    // the JDBC driver's "connection refused" is a database failure: the outermost match decides
    assertThat(
            classify(
                classifier,
                new SQLTransientConnectionException(
                    "refused", "08001", new ConnectException("Connection refused"))))
        .isEqualTo(TaskFailureKind.DATABASE);
    assertThat(classify(classifier, new IllegalStateException("?")))
        .isEqualTo(TaskFailureKind.SYSTEM);
    assertThat(classify(classifier, null)).isEqualTo(TaskFailureKind.SYSTEM);
  }

  @Test
  void whichClassesCountAgainstTheCircuit() {
    assertThat(TaskFailureKind.values())
        .filteredOn(TaskFailureKind::countsAgainstCircuit)
        .containsExactly(
            TaskFailureKind.TRANSIENT, TaskFailureKind.DATABASE, TaskFailureKind.SYSTEM);
  }

  @Test
  void typeMappingWinsOverGroupMappingWhichWinsOverTheBuiltIns() {
    ErrorClassifier classifier =
        classifier(
            Map.of(
                "taskqueue.groups.g.errors.validation[0]", Custom.class.getName(),
                "taskqueue.groups.g.errors.business[0]", ConnectException.class.getName(),
                "taskqueue.types[a.b].errors.transient[0]", Custom.class.getName()));

    // subclasses match; the group's mapping beats the built-in "system"
    assertThat(classifier.classify("g", "other", new CustomSub()))
        .isEqualTo(TaskFailureKind.VALIDATION);
    // the type's mapping beats the group's
    assertThat(classifier.classify("g", "a.b", new CustomSub()))
        .isEqualTo(TaskFailureKind.TRANSIENT);
    // found anywhere in the cause chain, and before the built-in match of an outer exception
    assertThat(
            classifier.classify(
                "g", "other", new SQLException("wrapped", new ConnectException("refused"))))
        .isEqualTo(TaskFailureKind.BUSINESS);
    // another group: built-ins only
    assertThat(classifier.classify("h", "other", new CustomSub()))
        .isEqualTo(TaskFailureKind.SYSTEM);
  }

  @Test
  void theMostSpecificListedClassWins() {
    ErrorClassifier classifier =
        classifier(
            Map.of(
                "taskqueue.groups.g.errors.system[0]", RuntimeException.class.getName(),
                "taskqueue.groups.g.errors.business[0]", Custom.class.getName()));

    assertThat(classifier.classify("g", "t", new CustomSub())).isEqualTo(TaskFailureKind.BUSINESS);
    assertThat(classifier.classify("g", "t", new IllegalStateException()))
        .isEqualTo(TaskFailureKind.SYSTEM);
  }

  @Test
  void businessPolicyOfTheTypeElseTheGroupsRetryBusiness() {
    ErrorClassifier classifier =
        classifier(
            Map.of(
                "taskqueue.groups.r.retry.retry-business", "true",
                "taskqueue.groups.d.retry.max-attempts", "3",
                "taskqueue.types[pay.charge].business", "complete",
                "taskqueue.types[pay.refund].business", "dead-letter",
                "taskqueue.types[pay.retry].business", "retry"));

    assertThat(classifier.businessPolicy("r", "x")).isEqualTo(BusinessPolicy.RETRY);
    assertThat(classifier.businessPolicy("d", "x")).isEqualTo(BusinessPolicy.DEAD_LETTER);
    assertThat(classifier.businessPolicy("unknown", "x")).isEqualTo(BusinessPolicy.DEAD_LETTER);
    assertThat(classifier.businessPolicy("r", "pay.charge")).isEqualTo(BusinessPolicy.COMPLETE);
    assertThat(classifier.businessPolicy("r", "pay.refund")).isEqualTo(BusinessPolicy.DEAD_LETTER);
    assertThat(classifier.businessPolicy("d", "pay.retry")).isEqualTo(BusinessPolicy.RETRY);
  }

  @Test
  void anUnknownExceptionClassFailsStartUpNamingTheProperty() {
    assertThatThrownBy(
            () ->
                classifier(
                    Map.of(
                        "taskqueue.types[email.send].errors.transient[0]",
                        ConnectException.class.getName(),
                        "taskqueue.types[email.send].errors.transient[1]",
                        "com.example.NoSuchException")))
        .isInstanceOf(ErrorClassConfigurationException.class)
        .hasMessageContaining("taskqueue.types[email.send].errors.transient[1]")
        .hasMessageContaining("com.example.NoSuchException");
  }

  @Test
  void theStartUpFailureAnalysisNamesThePropertyAndTheFix() {
    ErrorClassConfigurationException error =
        new ErrorClassConfigurationException(
            "taskqueue.groups.g.errors.transient[0]: no exception class 'x.Y' on the classpath");
    var analysis = new ErrorClassFailureAnalyzer().analyze(new IllegalStateException(error));

    assertThat(analysis.getDescription()).startsWith("taskqueue.groups.g.errors.transient[0]");
    assertThat(analysis.getAction()).contains("fully qualified exception class names");
  }

  @Test
  void aClassThatIsNoExceptionFailsStartUp() {
    assertThatThrownBy(
            () -> classifier(Map.of("taskqueue.groups.g.errors.database[0]", "java.lang.String")))
        .isInstanceOf(ErrorClassConfigurationException.class)
        .hasMessageContaining("taskqueue.groups.g.errors.database[0]")
        .hasMessageContaining("java.lang.String is not an exception");
  }

  @Test
  void anUnknownErrorClassFailsStartUp() {
    assertThatThrownBy(
            () -> classifier(Map.of("taskqueue.groups.g.errors.flaky[0]", "java.io.IOException")))
        .isInstanceOf(ErrorClassConfigurationException.class)
        .hasMessageContaining("taskqueue.groups.g.errors.flaky")
        .hasMessageContaining("validation, transient, database, business, system");
  }

  @Test
  void databaseDelayIsTheInitialDelayOfDatabaseFailuresAndAFloor() {
    GroupSettings.Retry retry = new GroupSettings.Retry();
    retry.setDatabaseDelay(Duration.ofSeconds(30));
    retry.setMaxDelay(Duration.ofMinutes(5));
    retry.setMultiplier(2.0);
    retry.setJitter(0.2);

    // random 0.0 is the most negative jitter (-20%): never below the database delay
    assertThat(retry.databaseDelayMillisAfter(1, 0.0)).isEqualTo(30_000);
    assertThat(retry.databaseDelayMillisAfter(1, 0.5)).isEqualTo(30_000);
    assertThat(retry.databaseDelayMillisAfter(2, 0.5)).isEqualTo(60_000);
    assertThat(retry.databaseDelayMillisAfter(10, 0.5)).isEqualTo(300_000);
    // a max-delay below the database delay does not cut it
    retry.setMaxDelay(Duration.ofSeconds(1));
    assertThat(retry.databaseDelayMillisAfter(3, 0.5)).isEqualTo(30_000);
  }

  private static TaskFailureKind classify(ErrorClassifier classifier, Throwable error) {
    return classifier.classify("default", "t", error);
  }

  /** Binds properties as the application does, then builds the classifier from them. */
  private static ErrorClassifier classifier(Map<String, String> properties) {
    TaskQueueProperties bound =
        new Binder(new MapConfigurationPropertySource(properties))
            .bind("taskqueue", TaskQueueProperties.class)
            .orElseGet(TaskQueueProperties::new);
    return new ErrorClassifier(bound);
  }
}
