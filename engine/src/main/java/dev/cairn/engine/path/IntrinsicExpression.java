package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A node of a parsed intrinsic function call: a literal, a path, or a nested call. */
sealed interface IntrinsicExpression {

  /**
   * A literal argument: a string, number, boolean or null.
   *
   * @param value the value; scalar nodes only, so sharing it between evaluations is safe
   * @param raw for a string, the text between the quotes with its escapes still in place, which
   *     States.Format needs to tell an escaped brace from a placeholder; otherwise null
   */
  record Literal(JsonNode value, String raw) implements IntrinsicExpression {}

  /** A path argument, into the input ({@code $.a}) or the context object ({@code $$.a}). */
  record PathArgument(JsonPath path) implements IntrinsicExpression {}

  /**
   * A call of a function of the library.
   *
   * @param template for States.Format with a literal template, the template split once at parse
   *     time; otherwise null
   */
  record Call(
      IntrinsicLibrary function, List<IntrinsicExpression> arguments, FormatTemplate template)
      implements IntrinsicExpression {
    public Call {
      arguments = List.copyOf(arguments);
    }
  }
}
