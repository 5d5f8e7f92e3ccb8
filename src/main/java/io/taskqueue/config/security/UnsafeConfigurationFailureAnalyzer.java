package io.taskqueue.config.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused start-up as a short description and the setting that fixes it. */
public class UnsafeConfigurationFailureAnalyzer
    extends AbstractFailureAnalyzer<UnsafeConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, UnsafeConfigurationException cause) {
    return new FailureAnalysis(cause.problem() + ".", cause.action(), cause);
  }
}
