package dev.cairn.pipeline.runtime;

import dev.cairn.engine.error.StatesException;

/**
 * A step failed with one of {@link CairnError}'s names: the task's error on the engine (and,
 * through the AWS runner's result, on Step Functions). The message is for people and holds no
 * secret.
 */
public final class StepFailure extends StatesException {
  private final CairnError kind;

  /** A failure of kind {@code kind} with a cause for people. */
  public StepFailure(CairnError kind, String cause) {
    super(kind.errorName(), cause);
    this.kind = kind;
  }

  /** The kind of failure. */
  public CairnError kind() {
    return kind;
  }
}
