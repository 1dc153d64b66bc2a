package dev.cairn.engine.execution;

/** The status of an execution, as Step Functions reports it. */
public enum ExecutionStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  ABORTED;

  /** True once the execution has ended. */
  public boolean isFinal() {
    return this != RUNNING;
  }
}
