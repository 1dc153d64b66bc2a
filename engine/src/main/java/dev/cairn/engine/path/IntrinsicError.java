package dev.cairn.engine.path;

/**
 * Why evaluating an intrinsic function failed, before it is worded as Step Functions' cause (which
 * names the whole expression, however deeply the failing call is nested). Internal to the package.
 */
final class IntrinsicError extends RuntimeException {
  IntrinsicError(String detail) {
    // No stack trace: this is an expected outcome of bad data, not a bug to debug.
    super(detail, null, false, false);
  }

  /** The error Step Functions reports for any argument a function cannot use. */
  static IntrinsicError invalidArguments(IntrinsicLibrary function) {
    return new IntrinsicError("Invalid arguments in " + function.functionName());
  }
}
