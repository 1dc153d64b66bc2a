package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A call of an intrinsic function such as {@code States.Format('{}', $.name)}, parsed once and
 * evaluated per use. Arguments may be literals, paths and nested calls.
 */
public final class IntrinsicFunction {
  // STUB: implemented by the intrinsics work.
  private final String text;

  private IntrinsicFunction(String text) {
    this.text = text;
  }

  /** True when the text looks like an intrinsic function call (starts with {@code States.}). */
  public static boolean looksLikeCall(String text) {
    return text.startsWith("States.");
  }

  /**
   * Parses a call.
   *
   * @throws InvalidPathException when the call is malformed or names an unknown function
   */
  public static IntrinsicFunction parse(String text) {
    return new IntrinsicFunction(text);
  }

  /** The call as written. */
  public String text() {
    return text;
  }

  /**
   * Evaluates the call.
   *
   * @param field the field being evaluated (for error messages)
   * @throws dev.cairn.engine.error.StatesException {@code States.IntrinsicFailure} (or {@code
   *     States.Runtime} for a path that designates nothing) with Step Functions' message
   */
  public JsonNode evaluate(EvaluationContext context, String field) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public String toString() {
    return text;
  }
}
