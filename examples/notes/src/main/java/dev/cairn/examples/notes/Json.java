package dev.cairn.examples.notes;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON this service needs: quoting strings for responses, and parsing request bodies.
 *
 * <p>Parsed values are {@link Map} (objects, keys in order), {@link List}, {@link String}, {@link
 * BigDecimal}, {@link Boolean}, or {@code null}.
 */
public final class Json {
  private static final int MAX_DEPTH = 64;

  private final String text;
  private int position;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Quotes a string as a JSON string literal.
   *
   * @param value the string
   * @return the literal, with quotes
   */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          // Control characters and lone surrogates would make the document invalid.
          if (c < 0x20 || Character.isSurrogate(c) && !isPairedSurrogate(value, i)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean isPairedSurrogate(String value, int i) {
    char c = value.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
  }

  /**
   * Parses one JSON document.
   *
   * @param text the document
   * @return the value
   * @throws JsonException when the text is not one well-formed JSON value
   */
  public static Object parse(String text) {
    Json parser = new Json(text);
    parser.skipWhitespace();
    Object value = parser.value(0);
    parser.skipWhitespace();
    if (parser.position != text.length()) {
      throw parser.error("unexpected text after the JSON value");
    }
    return value;
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nested too deeply");
    }
    if (position >= text.length()) {
      throw error("unexpected end of input");
    }
    char c = text.charAt(position);
    return switch (c) {
      case '{' -> object(depth);
      case '[' -> array(depth);
      case '"' -> string();
      case 't' -> literal("true", Boolean.TRUE);
      case 'f' -> literal("false", Boolean.FALSE);
      case 'n' -> literal("null", null);
      default -> {
        if (c == '-' || c >= '0' && c <= '9') {
          yield number();
        }
        throw error("unexpected character '" + c + "'");
      }
    };
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> members = new LinkedHashMap<>();
    position++;
    skipWhitespace();
    if (peek('}')) {
      position++;
      return members;
    }
    while (true) {
      skipWhitespace();
      if (!peek('"')) {
        throw error("expected a member name in double quotes");
      }
      String name = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      if (members.containsKey(name)) {
        throw error("duplicate member \"" + name + "\"");
      }
      members.put(name, value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        position++;
      } else {
        expect('}');
        return members;
      }
    }
  }

  private List<Object> array(int depth) {
    List<Object> elements = new ArrayList<>();
    position++;
    skipWhitespace();
    if (peek(']')) {
      position++;
      return elements;
    }
    while (true) {
      skipWhitespace();
      elements.add(value(depth + 1));
      skipWhitespace();
      if (peek(',')) {
        position++;
      } else {
        expect(']');
        return elements;
      }
    }
  }

  private String string() {
    position++;
    StringBuilder out = new StringBuilder();
    while (position < text.length()) {
      char c = text.charAt(position++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw error("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (position >= text.length()) {
        break;
      }
      char escaped = text.charAt(position++);
      switch (escaped) {
        case '"', '\\', '/' -> out.append(escaped);
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (position + 4 > text.length()) {
            throw error("incomplete \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
          } catch (NumberFormatException e) {
            throw error("malformed \\u escape");
          }
          position += 4;
        }
        default -> throw error("unknown escape \\" + escaped);
      }
    }
    throw error("unterminated string");
  }

  private BigDecimal number() {
    int start = position;
    if (peek('-')) {
      position++;
    }
    digits();
    if (peek('.')) {
      position++;
      digits();
    }
    if (peek('e') || peek('E')) {
      position++;
      if (peek('+') || peek('-')) {
        position++;
      }
      digits();
    }
    String literal = text.substring(start, position);
    if (literal.matches("-?0\\d.*")) {
      throw error("leading zero in a number");
    }
    return new BigDecimal(literal);
  }

  private void digits() {
    int start = position;
    while (position < text.length() && isAsciiDigit(text.charAt(position))) {
      position++;
    }
    if (position == start) {
      throw error("expected a digit");
    }
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, position)) {
      throw error("unexpected text");
    }
    position += word.length();
    return value;
  }

  private void skipWhitespace() {
    while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
      position++;
    }
  }

  private boolean peek(char c) {
    return position < text.length() && text.charAt(position) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    position++;
  }

  private JsonException error(String problem) {
    return new JsonException(problem + " at offset " + position);
  }

  /** The text is not well-formed JSON: the client must send a different body. */
  public static final class JsonException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong and where
     */
    public JsonException(String message) {
      super(message);
    }
  }
}
