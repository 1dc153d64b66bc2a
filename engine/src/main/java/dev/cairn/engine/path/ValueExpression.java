package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The value of a dynamic field: a path into the input ({@code $.x}), into the context object
 * ({@code $$.Execution.Id}) or an intrinsic function call. Used for {@code .$} template values and
 * for fields such as ErrorPath and CausePath, which accept all three.
 */
public final class ValueExpression {
  // STUB: implemented by the paths work.
  private final String text;

  private ValueExpression(String text) {
    this.text = text;
  }

  /**
   * Parses a dynamic value.
   *
   * @throws InvalidPathException when the text is neither a valid path nor a valid call
   */
  public static ValueExpression parse(String text) {
    return new ValueExpression(text);
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  /**
   * Evaluates the expression.
   *
   * @param field the field being evaluated, e.g. {@code CausePath} or {@code value.$}
   * @throws dev.cairn.engine.error.StatesException {@code States.Runtime} when a path designates
   *     nothing, {@code States.IntrinsicFailure} when a call fails
   */
  public JsonNode evaluate(EvaluationContext context, String field) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public String toString() {
    return text;
  }
}
