package dev.cairn.engine.error;

/** The predefined error names of the Amazon States Language. */
public final class StatesErrors {
  /** Matches every error name except {@link #RUNTIME} in Retry; every error in Catch. */
  public static final String ALL = "States.ALL";

  public static final String RUNTIME = "States.Runtime";
  public static final String TIMEOUT = "States.Timeout";
  public static final String HEARTBEAT_TIMEOUT = "States.HeartbeatTimeout";
  public static final String TASK_FAILED = "States.TaskFailed";
  public static final String PERMISSIONS = "States.Permissions";
  public static final String DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";
  public static final String RESULT_PATH_MATCH_FAILURE = "States.ResultPathMatchFailure";
  public static final String PARAMETER_PATH_FAILURE = "States.ParameterPathFailure";
  public static final String BRANCH_FAILED = "States.BranchFailed";
  public static final String NO_CHOICE_MATCHED = "States.NoChoiceMatched";
  public static final String INTRINSIC_FAILURE = "States.IntrinsicFailure";
  public static final String EXCEED_TOLERATED_FAILURE_THRESHOLD =
      "States.ExceedToleratedFailureThreshold";
  public static final String ITEM_READER_FAILED = "States.ItemReaderFailed";
  public static final String RESULT_WRITER_FAILED = "States.ResultWriterFailed";
  public static final String QUERY_EVALUATION_ERROR = "States.QueryEvaluationError";

  private StatesErrors() {}
}
