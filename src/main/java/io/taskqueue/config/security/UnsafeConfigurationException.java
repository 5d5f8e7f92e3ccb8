package io.taskqueue.config.security;

/**
 * A configuration the application refuses to start with; {@link #action()} says what to set.
 * Reported by {@link UnsafeConfigurationFailureAnalyzer} as Spring Boot's "APPLICATION FAILED TO
 * START" block.
 */
public class UnsafeConfigurationException extends RuntimeException {

  private final String problem;
  private final String action;

  public UnsafeConfigurationException(String problem, String action) {
    super(problem + ". " + action);
    this.problem = problem;
    this.action = action;
  }

  public String problem() {
    return problem;
  }

  public String action() {
    return action;
  }
}
