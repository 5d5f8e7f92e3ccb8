package io.taskqueue.store;

import io.taskqueue.store.StateWrites.StateWriteTableException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a start-up refused by the check of the state writes as the list of what disagrees. */
public class StateWriteTableFailureAnalyzer
    extends AbstractFailureAnalyzer<StateWriteTableException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, StateWriteTableException cause) {
    return new FailureAnalysis(
        cause.getMessage(),
        "Make the entries of io.taskqueue.store.StateWrite and the files under"
            + " src/main/resources/sql/ agree (docs/decisions.md#state-writes): every statement"
            + " that writes the tasks table has one entry naming its file, its transition and"
            + " exactly the parameters it binds.",
        cause);
  }
}
