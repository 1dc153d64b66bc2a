package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The value of a dynamic field: a path into the input ({@code $.x}), into the context object
 * ({@code $$.Execution.Id}) or an intrinsic function call. Used for {@code .$} template values and
 * for fields such as ErrorPath and CausePath, which accept all three.
 */
public final class ValueExpression {
  private final String text;
  private final JsonPath path;
  private final IntrinsicFunction call;

  private ValueExpression(String text, JsonPath path, IntrinsicFunction call) {
    this.text = text;
    this.path = path;
    this.call = call;
  }

  /**
   * Parses a dynamic value.
   *
   * @throws InvalidPathException when the text is neither a valid path nor a valid call
   */
  public static ValueExpression parse(String text) {
    if (text == null) {
      throw new InvalidPathException(
          "A dynamic value must be a JSONPath or an intrinsic function call, not null");
    }
    if (text.startsWith("$")) {
      return new ValueExpression(text, JsonPath.parse(text), null);
    }
    if (IntrinsicFunction.looksLikeCall(text)) {
      return new ValueExpression(text, null, IntrinsicFunction.parse(text));
    }
    throw new InvalidPathException(
        "'"
            + text
            + "' is neither a JSONPath (starting with '$') nor an intrinsic function call"
            + " (starting with 'States.')");
  }

  /** The expression as written. */
  public String text() {
    return text;
  }

  /** The path, or null when the expression is an intrinsic function call. */
  public JsonPath path() {
    return path;
  }

  /** The intrinsic function call, or null when the expression is a path. */
  public IntrinsicFunction call() {
    return call;
  }

  /**
   * Evaluates the expression.
   *
   * @param field the field being evaluated, e.g. {@code CausePath} or {@code value.$}
   * @throws dev.cairn.engine.error.StatesException {@code States.Runtime} when a path designates
   *     nothing, {@code States.IntrinsicFailure} when a call fails
   */
  public JsonNode evaluate(EvaluationContext context, String field) {
    return path != null ? path.select(context, field) : call.evaluate(context, field);
  }

  @Override
  public String toString() {
    return text;
  }
}
