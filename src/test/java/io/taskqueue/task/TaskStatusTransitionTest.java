package io.taskqueue.task;

import static io.taskqueue.task.TaskStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every state against every target: the transition table of the design, nothing more. */
class TaskStatusTransitionTest {

  private static final Map<TaskStatus, Set<TaskStatus>> DESIGN =
      Map.of(
          PENDING, EnumSet.of(RUNNING, CANCELLED),
          RUNNING, EnumSet.of(COMPLETED, FAILED, PENDING),
          FAILED, EnumSet.of(PENDING, DEAD_LETTER),
          DEAD_LETTER, EnumSet.of(PENDING),
          COMPLETED, EnumSet.of(ARCHIVED),
          CANCELLED, EnumSet.of(ARCHIVED),
          ARCHIVED, EnumSet.noneOf(TaskStatus.class));

  @ParameterizedTest
  @EnumSource(TaskStatus.class)
  void everyTargetIsAllowedOrRefusedAsDesigned(TaskStatus from) {
    for (TaskStatus to : TaskStatus.values()) {
      boolean allowed = DESIGN.get(from).contains(to);
      assertThat(from.canMoveTo(to)).as(from + " -> " + to).isEqualTo(allowed);
      if (allowed) {
        assertThat(from.checkMoveTo(to)).isEqualTo(to);
      } else {
        assertThatThrownBy(() -> from.checkMoveTo(to))
            .isInstanceOf(IllegalTransitionException.class)
            .hasMessageContaining(from.dbValue() + " -> " + to.dbValue());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(TaskStatus.class)
  void databaseValuesRoundTrip(TaskStatus status) {
    assertThat(TaskStatus.fromDb(status.dbValue())).isEqualTo(status);
  }

  @org.junit.jupiter.api.Test
  void newTasksStartPending() {
    assertThat(TaskStatus.INITIAL).isEqualTo(PENDING);
  }

  @org.junit.jupiter.api.Test
  void illegalTransitionsFailWhenTheRouteIsBuilt() {
    assertThatThrownBy(() -> Transition.of(COMPLETED, RUNNING))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("completed -> running");
  }
}
