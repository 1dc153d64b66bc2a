package dev.cairn.engine.execution;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The type of a {@link HistoryEvent}: the event types of Step Functions' GetExecutionHistory that
 * the engine writes, by their names there ({@link #wireName}), which is also how stores keep them.
 */
public enum HistoryEventType {
  /** The execution started. */
  EXECUTION_STARTED("ExecutionStarted"),
  /** The execution succeeded. */
  EXECUTION_SUCCEEDED("ExecutionSucceeded"),
  /** The execution failed. */
  EXECUTION_FAILED("ExecutionFailed"),
  /** The execution was stopped. */
  EXECUTION_ABORTED("ExecutionAborted"),
  /** The execution ran out of time. */
  EXECUTION_TIMED_OUT("ExecutionTimedOut"),

  /** A Task state was entered. */
  TASK_STATE_ENTERED("TaskStateEntered"),
  /** A Task state was left. */
  TASK_STATE_EXITED("TaskStateExited"),
  /** A Pass state was entered. */
  PASS_STATE_ENTERED("PassStateEntered"),
  /** A Pass state was left. */
  PASS_STATE_EXITED("PassStateExited"),
  /** A Choice state was entered. */
  CHOICE_STATE_ENTERED("ChoiceStateEntered"),
  /** A Choice state was left. */
  CHOICE_STATE_EXITED("ChoiceStateExited"),
  /** A Wait state was entered. */
  WAIT_STATE_ENTERED("WaitStateEntered"),
  /** A Wait state was left. */
  WAIT_STATE_EXITED("WaitStateExited"),
  /** A Succeed state was entered. */
  SUCCEED_STATE_ENTERED("SucceedStateEntered"),
  /** A Succeed state was left. */
  SUCCEED_STATE_EXITED("SucceedStateExited"),
  /** A Fail state was entered. */
  FAIL_STATE_ENTERED("FailStateEntered"),
  /** A Fail state was left (Step Functions names it; the engine never writes it). */
  FAIL_STATE_EXITED("FailStateExited"),
  /** A Parallel state was entered. */
  PARALLEL_STATE_ENTERED("ParallelStateEntered"),
  /** A Parallel state was left. */
  PARALLEL_STATE_EXITED("ParallelStateExited"),
  /** A Map state was entered. */
  MAP_STATE_ENTERED("MapStateEntered"),
  /** A Map state was left. */
  MAP_STATE_EXITED("MapStateExited"),

  /** A task was scheduled. */
  TASK_SCHEDULED("TaskScheduled"),
  /** A task started. */
  TASK_STARTED("TaskStarted"),
  /** A task succeeded. */
  TASK_SUCCEEDED("TaskSucceeded"),
  /** A task failed. */
  TASK_FAILED("TaskFailed"),
  /** A task ran out of time (or heartbeats). */
  TASK_TIMED_OUT("TaskTimedOut"),
  /** A legacy Lambda task ({@code arn:aws:lambda:...}) was scheduled. */
  LAMBDA_FUNCTION_SCHEDULED("LambdaFunctionScheduled"),
  /** A legacy Lambda task started. */
  LAMBDA_FUNCTION_STARTED("LambdaFunctionStarted"),
  /** A legacy Lambda task succeeded. */
  LAMBDA_FUNCTION_SUCCEEDED("LambdaFunctionSucceeded"),
  /** A legacy Lambda task failed. */
  LAMBDA_FUNCTION_FAILED("LambdaFunctionFailed"),
  /** A legacy Lambda task ran out of time. */
  LAMBDA_FUNCTION_TIMED_OUT("LambdaFunctionTimedOut"),

  /** A Parallel state's branches started. */
  PARALLEL_STATE_STARTED("ParallelStateStarted"),
  /** Every branch of a Parallel state succeeded. */
  PARALLEL_STATE_SUCCEEDED("ParallelStateSucceeded"),
  /** A branch of a Parallel state failed. */
  PARALLEL_STATE_FAILED("ParallelStateFailed"),
  /** A Map state's iterations started. */
  MAP_STATE_STARTED("MapStateStarted"),
  /** Every iteration of a Map state succeeded. */
  MAP_STATE_SUCCEEDED("MapStateSucceeded"),
  /** A Map state failed. */
  MAP_STATE_FAILED("MapStateFailed"),
  /** A Map iteration started. */
  MAP_ITERATION_STARTED("MapIterationStarted"),
  /** A Map iteration succeeded. */
  MAP_ITERATION_SUCCEEDED("MapIterationSucceeded"),
  /** A Map iteration failed. */
  MAP_ITERATION_FAILED("MapIterationFailed");

  private static final Map<String, HistoryEventType> BY_WIRE_NAME =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(HistoryEventType::wireName, Function.identity()));

  private final String wireName;

  HistoryEventType(String wireName) {
    this.wireName = wireName;
  }

  /** The type's name in Step Functions, e.g. {@code TaskStateEntered}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The type of a Step Functions name.
   *
   * @throws IllegalArgumentException for a name the engine does not know
   */
  public static HistoryEventType of(String wireName) {
    HistoryEventType type = BY_WIRE_NAME.get(wireName);
    if (type == null) {
      throw new IllegalArgumentException("unknown history event type '" + wireName + "'");
    }
    return type;
  }

  /** The event of entering a state of {@code stateType} ({@code Task}, {@code Pass}, ...). */
  public static HistoryEventType stateEntered(String stateType) {
    return of(stateType + "StateEntered");
  }

  /** The event of leaving a state of {@code stateType}. */
  public static HistoryEventType stateExited(String stateType) {
    return of(stateType + "StateExited");
  }

  /** True for the events of entering a state. */
  public boolean isStateEntered() {
    return wireName.endsWith("StateEntered");
  }

  /** True for the events of leaving a state. */
  public boolean isStateExited() {
    return wireName.endsWith("StateExited");
  }

  /** Step Functions names state events' details {@code stateEnteredEventDetails} and so on. */
  String detailsFieldName() {
    if (wireName.endsWith("StateEntered")) {
      return "stateEnteredEventDetails";
    }
    if (wireName.endsWith("StateExited")) {
      return "stateExitedEventDetails";
    }
    return Character.toLowerCase(wireName.charAt(0)) + wireName.substring(1) + "EventDetails";
  }
}
