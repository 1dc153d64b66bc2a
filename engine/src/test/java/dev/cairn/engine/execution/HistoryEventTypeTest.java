package dev.cairn.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistoryEventTypeTest {

  @Test
  void everyTypeIsFoundByItsStepFunctionsName() {
    for (HistoryEventType type : HistoryEventType.values()) {
      assertThat(HistoryEventType.of(type.wireName())).isSameAs(type);
    }
    assertThat(HistoryEventType.stateEntered("Map")).isEqualTo(HistoryEventType.MAP_STATE_ENTERED);
    assertThat(HistoryEventType.stateExited("Task")).isEqualTo(HistoryEventType.TASK_STATE_EXITED);
    assertThat(HistoryEventType.WAIT_STATE_ENTERED.isStateEntered()).isTrue();
    assertThat(HistoryEventType.TASK_SCHEDULED.isStateEntered()).isFalse();
  }

  @Test
  void detailsAreNamedAsStepFunctionsNamesThem() {
    assertThat(HistoryEventType.PASS_STATE_EXITED.detailsFieldName())
        .isEqualTo("stateExitedEventDetails");
    assertThat(HistoryEventType.TASK_SCHEDULED.detailsFieldName())
        .isEqualTo("taskScheduledEventDetails");
  }

  @Test
  void anUnknownNameIsRefusedNamingIt() {
    assertThatThrownBy(() -> HistoryEventType.of("TaskExploded"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown history event type 'TaskExploded'");
  }
}
