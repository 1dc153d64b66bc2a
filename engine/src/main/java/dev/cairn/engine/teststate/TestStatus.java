package dev.cairn.engine.teststate;

/** The outcome of testing one state, as Step Functions' TestState API names it. */
public enum TestStatus {
  /** The state completed: there is an output and, unless it ends the machine, a next state. */
  SUCCEEDED,
  /** The state failed and no Retrier or Catcher handles the error. */
  FAILED,
  /** A Catcher handled the error: the output is its ResultPath's, the next state its Next. */
  CAUGHT_ERROR,
  /** A Retrier matches the error and has attempts left: the state would run again. */
  RETRIABLE
}
