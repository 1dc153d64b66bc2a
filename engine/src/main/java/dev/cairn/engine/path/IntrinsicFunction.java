package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * A call of an intrinsic function such as {@code States.Format('{}', $.name)}, parsed once and
 * evaluated per use. Arguments may be literals, paths and nested calls.
 */
public final class IntrinsicFunction {
  private final String text;
  private final IntrinsicExpression.Call call;

  private IntrinsicFunction(String text, IntrinsicExpression.Call call) {
    this.text = text;
    this.call = call;
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
    return new IntrinsicFunction(text, IntrinsicParser.parse(text));
  }

  /** The call as written. */
  public String text() {
    return text;
  }

  /** The name of the function called outermost, e.g. {@code States.Format}. */
  public String functionName() {
    return call.function().functionName();
  }

  /**
   * Evaluates the call.
   *
   * @param field the field being evaluated (for error messages); Step Functions' causes for
   *     intrinsic functions name the expression rather than the field, so it is not used today
   * @throws dev.cairn.engine.error.StatesException {@code States.Runtime} with Step Functions'
   *     message when a path argument designates nothing or a function cannot use its arguments
   */
  public JsonNode evaluate(EvaluationContext context, String field) {
    try {
      return evaluate(call, context);
    } catch (IntrinsicError e) {
      // Step Functions names the whole expression as written, even when a nested call failed.
      throw StatesException.runtime(
          "The function '" + text + "' had the following error: " + e.getMessage());
    }
  }

  private static JsonNode evaluate(IntrinsicExpression expression, EvaluationContext context) {
    return switch (expression) {
      case IntrinsicExpression.Literal literal -> literal.value();
      case IntrinsicExpression.PathArgument argument -> read(argument.path(), context);
      case IntrinsicExpression.Call nested -> {
        List<IntrinsicExpression> arguments = nested.arguments();
        List<JsonNode> values = new ArrayList<>(arguments.size());
        for (IntrinsicExpression argument : arguments) {
          values.add(evaluate(argument, context));
        }
        yield nested.function().apply(values, nested.template());
      }
    };
  }

  private static JsonNode read(JsonPath path, EvaluationContext context) {
    JsonNode value = path.read(context);
    if (value == null) {
      // Step Functions reports a context path as if it were a path into the state input
      // ($$.Execution.X as $.Execution.X) and shows the state input, whichever was searched.
      String shown = path.isContextPath() ? path.text().substring(1) : path.text();
      throw new IntrinsicError(
          "The JsonPath argument for the field '"
              + shown
              + "' could not be found in the input '"
              + Json.write(context.input())
              + "'");
    }
    return value;
  }

  @Override
  public String toString() {
    return text;
  }
}
