package dev.cairn.engine.task;

import java.util.List;

/**
 * An unhandled error of a Lambda function, as its runtime reports it: the error type becomes the
 * Step Functions error name, and the whole report (message, type, request id, stack trace) becomes
 * the cause as a JSON document.
 */
public class LambdaFunctionError extends RuntimeException {
  private final String errorType;
  private final String errorMessage;
  private final List<String> stackTrace;

  /**
   * @param errorType the error's type name, e.g. {@code Exception}; matched by {@code ErrorEquals}
   * @param errorMessage the error's message (may be empty, not null)
   * @param stackTrace the frames the runtime reports, outermost first (may be empty)
   */
  public LambdaFunctionError(String errorType, String errorMessage, List<String> stackTrace) {
    super(errorType + ": " + errorMessage, null, false, false);
    this.errorType = errorType;
    this.errorMessage = errorMessage == null ? "" : errorMessage;
    this.stackTrace = List.copyOf(stackTrace);
  }

  /** The error's type name. */
  public String errorType() {
    return errorType;
  }

  /** The error's message. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The reported stack frames. */
  public List<String> reportedStackTrace() {
    return stackTrace;
  }
}
