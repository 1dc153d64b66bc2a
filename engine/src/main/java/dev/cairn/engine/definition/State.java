package dev.cairn.engine.definition;

/**
 * One state of a state machine. The implementations are immutable records, one per state type, with
 * every path, template and rule already parsed.
 */
public sealed interface State
    permits PassState,
        TaskState,
        ChoiceState,
        WaitState,
        SucceedState,
        FailState,
        ParallelState,
        MapState {
  /** The state's name (its key in {@code States}). */
  String name();

  /** The {@code Type} as written in the definition, e.g. {@code Task}. */
  default String type() {
    return getClass().getSimpleName().replace("State", "");
  }
}
