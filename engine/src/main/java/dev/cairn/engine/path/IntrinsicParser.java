package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.json.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the text of an intrinsic function call into {@link IntrinsicExpression}s: a recursive
 * descent over {@code States.Name(argument, ...)} where an argument is a quoted string, a number,
 * {@code true}, {@code false}, {@code null}, a path or another call.
 */
final class IntrinsicParser {
  private static final String PREFIX = "States.";

  private final String text;
  private int position;

  private IntrinsicParser(String text) {
    this.text = text;
  }

  /**
   * Parses a whole call; nothing but white space may follow it.
   *
   * @throws InvalidPathException naming the text and what was expected where
   */
  static IntrinsicExpression.Call parse(String text) {
    IntrinsicParser parser = new IntrinsicParser(text);
    parser.skipSpace();
    IntrinsicExpression.Call call = parser.call();
    parser.skipSpace();
    if (parser.position < text.length()) {
      throw parser.error("unexpected text after the closing ')'");
    }
    return call;
  }

  private IntrinsicExpression.Call call() {
    int start = position;
    if (!text.startsWith(PREFIX, position)) {
      throw error("expected a function name starting with 'States.'");
    }
    position += PREFIX.length();
    while (position < text.length() && Character.isLetterOrDigit(text.charAt(position))) {
      position++;
    }
    String name = text.substring(start, position);
    IntrinsicLibrary function = IntrinsicLibrary.named(name);
    if (function == null) {
      position = start;
      throw error(
          "unknown intrinsic function '"
              + name
              + "'; expected one of "
              + String.join(", ", IntrinsicLibrary.names()));
    }
    skipSpace();
    expect('(');
    List<IntrinsicExpression> arguments = new ArrayList<>();
    skipSpace();
    if (peek() == ')') {
      position++;
    } else {
      while (true) {
        skipSpace();
        arguments.add(argument());
        skipSpace();
        if (peek() == ',') {
          position++;
        } else {
          expect(')');
          break;
        }
      }
    }
    if (arguments.size() < function.minArguments() || arguments.size() > function.maxArguments()) {
      position = start;
      throw error(name + " " + arity(function) + ", but " + arguments.size() + " given");
    }
    return new IntrinsicExpression.Call(function, arguments, formatTemplate(function, arguments));
  }

  /** A literal States.Format template is split now, so a bad one fails the definition. */
  private FormatTemplate formatTemplate(
      IntrinsicLibrary function, List<IntrinsicExpression> arguments) {
    if (function != IntrinsicLibrary.FORMAT
        || !(arguments.get(0) instanceof IntrinsicExpression.Literal literal)
        || literal.raw() == null) {
      return null;
    }
    try {
      return FormatTemplate.parse(literal.raw());
    } catch (IllegalArgumentException e) {
      throw new InvalidPathException(
          "Invalid template in States.Format in '" + text + "': " + e.getMessage());
    }
  }

  private static String arity(IntrinsicLibrary function) {
    int min = function.minArguments();
    int max = function.maxArguments();
    if (max == Integer.MAX_VALUE) {
      return "takes at least " + min + (min == 1 ? " argument" : " arguments");
    }
    if (min == max) {
      return "takes " + min + (min == 1 ? " argument" : " arguments");
    }
    return "takes " + min + " to " + max + " arguments";
  }

  private IntrinsicExpression argument() {
    char c = peek();
    if (c == '\'') {
      return string();
    }
    if (c == '$') {
      return path();
    }
    if (c == '-' || isDigit(c)) {
      return number();
    }
    if (text.startsWith(PREFIX, position)) {
      return call();
    }
    for (String keyword : List.of("true", "false", "null")) {
      if (text.startsWith(keyword, position) && !isWordCharacter(position + keyword.length())) {
        position += keyword.length();
        JsonNode value =
            switch (keyword) {
              case "true" -> Json.NODES.booleanNode(true);
              case "false" -> Json.NODES.booleanNode(false);
              default -> Json.NODES.nullNode();
            };
        return new IntrinsicExpression.Literal(value, null);
      }
    }
    throw error(
        "expected an argument: a 'quoted string', a number, true, false, null, a path starting"
            + " with '$' or a call of a States. function");
  }

  private IntrinsicExpression.Literal string() {
    int start = ++position;
    StringBuilder value = new StringBuilder();
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c == '\'') {
        String raw = text.substring(start, position);
        position++;
        return new IntrinsicExpression.Literal(Json.NODES.textNode(value.toString()), raw);
      }
      if (c == '\\' && position + 1 < text.length()) {
        char next = text.charAt(position + 1);
        if ("'{}\\".indexOf(next) >= 0) {
          value.append(next);
          position += 2;
          continue;
        }
        // Step Functions knows only these four escapes and refuses the definition otherwise
        // (recorded against AWS for \" in States.StringToJson and States.Format literals); a
        // backslash meant as itself is written \\.
        throw error(
            "invalid escape sequence '\\"
                + next
                + "' in a string literal: only \\', \\{, \\} and \\\\ are allowed");
      }
      value.append(c);
      position++;
    }
    position = start - 1;
    throw error("string literal is not closed with a '");
  }

  private IntrinsicExpression.Literal number() {
    int start = position;
    if (peek() == '-') {
      position++;
    }
    int digits = skipDigits();
    if (peek() == '.') {
      position++;
      if (skipDigits() == 0) {
        digits = 0;
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      if (skipDigits() == 0) {
        digits = 0;
      }
    }
    if (digits == 0 || isWordCharacter(position)) {
      position = start;
      throw error("malformed number");
    }
    // Through the JSON parser so literal numbers get the same node types as numbers in the input.
    return new IntrinsicExpression.Literal(Json.parse(text.substring(start, position)), null);
  }

  private int skipDigits() {
    int start = position;
    while (isDigit(peek())) {
      position++;
    }
    return position - start;
  }

  /**
   * A path runs to the next ',' or ')' that is not inside brackets or quotes, so filters such as
   * {@code $.a[?(@.b == 'x,y')]} stay whole; the path syntax itself is JsonPath's to judge.
   */
  private IntrinsicExpression.PathArgument path() {
    int start = position;
    int brackets = 0;
    char quote = 0;
    while (position < text.length()) {
      char c = text.charAt(position);
      if (quote != 0) {
        if (c == '\\') {
          position++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        brackets++;
      } else if (c == ']' || (c == ')' && brackets > 0)) {
        brackets--;
      } else if (brackets == 0 && (c == ',' || c == ')')) {
        break;
      }
      position++;
    }
    String pathText = text.substring(start, position).strip();
    try {
      return new IntrinsicExpression.PathArgument(JsonPath.parse(pathText));
    } catch (InvalidPathException e) {
      throw new InvalidPathException(
          "Invalid path '" + pathText + "' in '" + text + "': " + e.getMessage());
    }
  }

  private void expect(char c) {
    if (peek() != c) {
      throw error("expected '" + c + "'");
    }
    position++;
  }

  private char peek() {
    return position < text.length() ? text.charAt(position) : 0;
  }

  private void skipSpace() {
    while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
      position++;
    }
  }

  private boolean isWordCharacter(int index) {
    return index < text.length()
        && (Character.isLetterOrDigit(text.charAt(index)) || text.charAt(index) == '_');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private InvalidPathException error(String problem) {
    String where =
        position >= text.length()
            ? "at the end"
            : "at position " + position + " ('" + rest() + "')";
    return new InvalidPathException(
        "Invalid intrinsic function call '" + text + "': " + problem + " " + where + ".");
  }

  private String rest() {
    String rest = text.substring(position);
    return rest.length() > 20 ? rest.substring(0, 20) + "..." : rest;
  }
}
