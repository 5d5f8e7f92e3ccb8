package io.taskqueue.flow;

import io.taskqueue.flow.ErrorClassifier.ErrorClassConfigurationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a start-up refused by a wrong error-class mapping as the property at fault. */
public class ErrorClassFailureAnalyzer
    extends AbstractFailureAnalyzer<ErrorClassConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, ErrorClassConfigurationException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Fix the property named above: taskqueue.groups.<g>.errors.<class> and"
            + " taskqueue.types[<type>].errors.<class> list fully qualified exception class names"
            + " on the application's classpath, under one of the error classes validation,"
            + " transient, database, business, system (README, section Errors and retries).",
        cause);
  }
}
