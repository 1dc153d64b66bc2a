package dev.cairn.engine.error;

/**
 * An error raised while an execution runs, named the way Step Functions names it ({@code
 * States.Runtime}, {@code States.TaskFailed}, or a task's own error name). It is caught by the
 * engine and handled by the state's Retry and Catch rules; it never escapes as a crash.
 */
public class StatesException extends RuntimeException {
  private final String error;
  private final String cause;

  /**
   * @param error the error name matched by {@code ErrorEquals}; may be null (a Fail state without
   *     Error)
   * @param cause the human-readable cause; may be null
   */
  public StatesException(String error, String cause) {
    super(error + (cause == null ? "" : ": " + cause), null, false, false);
    this.error = error;
    this.cause = cause;
  }

  /** The error name, or null. */
  public String error() {
    return error;
  }

  /** The cause text, or null. */
  public String cause() {
    return cause;
  }

  /** A {@code States.Runtime} error: the definition and the data do not fit together. */
  public static StatesException runtime(String cause) {
    return new StatesException(StatesErrors.RUNTIME, cause);
  }
}
