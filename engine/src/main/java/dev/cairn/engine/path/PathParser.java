package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cairn.engine.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the JSONPath dialect of Jayway JsonPath, which Step Functions uses, into a {@link
 * CompiledPath}. One parser instance reads one text; it is not reused.
 */
final class PathParser {
  /** Characters that end a dot-notation name inside a filter, where operators follow paths. */
  private static final String FILTER_STOPS = ")]=!<>&|,~";

  private static final String[] WORD_OPERATORS = {
    "subsetof", "contains", "noneof", "anyof", "empty", "size", "nin", "in"
  };

  private final String text;
  private int pos;

  /**
   * A parsed path: whether it starts at the context object ({@code $$}) or at a variable ({@code
   * $name}; null otherwise), and its steps.
   */
  record Parsed(boolean context, String variable, CompiledPath path) {}

  private PathParser(String text) {
    this.text = text;
  }

  /**
   * Parses a whole path, {@code $...} or {@code $$...}.
   *
   * @throws InvalidPathException naming the path and the position of the problem
   */
  static Parsed parse(String text) {
    if (text == null) {
      throw new InvalidPathException("A JSONPath must be a string starting with '$', not null");
    }
    return new PathParser(text).parseWhole();
  }

  private Parsed parseWhole() {
    if (!text.startsWith("$")) {
      throw new InvalidPathException("The JSONPath '" + text + "' must start with '$'");
    }
    pos = 1;
    boolean context = false;
    String variable = null;
    if (peek('$')) {
      context = true;
      pos++;
    } else if (pos < text.length() && isVariableStart(text.charAt(pos))) {
      int start = pos;
      while (pos < text.length() && isVariablePart(text.charAt(pos))) {
        pos++;
      }
      variable = text.substring(start, pos);
    }
    CompiledPath path = parseSteps(false);
    if (pos < text.length()) {
      throw error(
          path.function() != null
              ? "nothing may follow the function " + path.function().text()
              : "unexpected character '" + text.charAt(pos) + "'; expected '.', '..' or '['");
    }
    return new Parsed(context, variable, path);
  }

  private static boolean isVariableStart(char c) {
    return Character.isLetter(c) || c == '_';
  }

  private static boolean isVariablePart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  // Reads steps until the end or, inside a filter, until something that cannot continue a path.
  private CompiledPath parseSteps(boolean inFilter) {
    List<Segment> segments = new ArrayList<>();
    PathFunction function = null;
    while (pos < text.length() && function == null) {
      char c = text.charAt(pos);
      if (c == '.' && peekAt(pos + 1) == '.') {
        pos += 2;
        segments.add(new Segment.Scan(parseScanned(inFilter)));
      } else if (c == '.') {
        pos++;
        if (peek('*')) {
          pos++;
          segments.add(new Segment.Wildcard());
          continue;
        }
        String name = readName(inFilter);
        if (peek('(')) {
          function = parseFunction(name);
        } else {
          segments.add(new Segment.Child(name));
        }
      } else if (c == '[') {
        segments.add(parseBracket());
      } else if (inFilter) {
        break;
      } else {
        throw error("unexpected character '" + c + "'; expected '.', '..' or '['");
      }
    }
    return new CompiledPath(segments, function);
  }

  private Segment parseScanned(boolean inFilter) {
    if (peek('[')) {
      return parseBracket();
    }
    if (peek('*')) {
      pos++;
      return new Segment.Wildcard();
    }
    String name = readName(inFilter);
    if (peek('(')) {
      throw error("a function cannot follow '..'");
    }
    return new Segment.Child(name);
  }

  private PathFunction parseFunction(String name) {
    PathFunction function = PathFunction.named(name);
    if (function == null) {
      throw error("unknown function '" + name + "()'; supported: length()");
    }
    pos++;
    skipBlanks();
    expect(')');
    return function;
  }

  // A dot-notation name; a backslash takes the next character literally (`$.a\.b` is "a.b").
  private String readName(boolean inFilter) {
    StringBuilder name = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '.' || c == '[' || c == '(') {
        break;
      }
      if (Character.isWhitespace(c)) {
        if (inFilter) {
          break;
        }
        throw error("a name contains a blank; write it in bracket notation, e.g. ['my name']");
      }
      if (inFilter && FILTER_STOPS.indexOf(c) >= 0) {
        break;
      }
      if (c == '\\' && pos + 1 < text.length()) {
        pos++;
        c = text.charAt(pos);
      }
      name.append(c);
      pos++;
    }
    if (name.isEmpty()) {
      throw error("expected a name, '*' or '[' after '.'");
    }
    return name.toString();
  }

  private Segment parseBracket() {
    expect('[');
    skipBlanks();
    Segment segment;
    char c = current();
    if (c == '*') {
      pos++;
      segment = new Segment.Wildcard();
    } else if (c == '?') {
      pos++;
      skipBlanks();
      expect('(');
      int start = pos;
      FilterExpression expression = parseOr();
      skipBlanks();
      String written = text.substring(start, pos);
      expect(')');
      segment = new Segment.Filter(expression, written);
    } else if (c == '\'' || c == '"') {
      List<String> names = new ArrayList<>();
      names.add(readQuoted());
      skipBlanks();
      while (peek(',')) {
        pos++;
        skipBlanks();
        if (!peek('\'') && !peek('"')) {
          throw error("expected a quoted name after ','");
        }
        names.add(readQuoted());
        skipBlanks();
      }
      segment = names.size() == 1 ? new Segment.Child(names.get(0)) : new Segment.Children(names);
    } else if (c == '-' || c == ':' || Character.isDigit(c)) {
      segment = parseIndexOrSlice();
    } else {
      throw error("unexpected character '" + c + "' after '['");
    }
    skipBlanks();
    expect(']');
    return segment;
  }

  private Segment parseIndexOrSlice() {
    Integer first = readInteger();
    skipBlanks();
    if (peek(':')) {
      pos++;
      skipBlanks();
      Integer end = readInteger();
      skipBlanks();
      int step = 1;
      if (peek(':')) {
        pos++;
        skipBlanks();
        Integer written = readInteger();
        if (written != null) {
          step = written;
        }
        if (step == 0) {
          throw error("a slice step must not be 0");
        }
      }
      return new Segment.Slice(first, end, step);
    }
    if (first == null) {
      throw error("expected an array index");
    }
    List<Integer> indexes = new ArrayList<>();
    indexes.add(first);
    while (peek(',')) {
      pos++;
      skipBlanks();
      Integer next = readInteger();
      if (next == null) {
        throw error("expected an array index after ','");
      }
      indexes.add(next);
      skipBlanks();
    }
    return indexes.size() == 1 ? new Segment.Index(first) : new Segment.Indexes(indexes);
  }

  /** An optionally signed integer, or null when none is written here. */
  private Integer readInteger() {
    int start = pos;
    if (peek('-')) {
      pos++;
    }
    while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
      pos++;
    }
    String digits = text.substring(start, pos);
    if (digits.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(digits);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("'" + digits + "' is not an array index");
    }
  }

  private String readQuoted() {
    char quote = current();
    pos++;
    StringBuilder value = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        return value.toString();
      }
      if (c == '\\') {
        value.append(readEscape());
      } else {
        value.append(c);
      }
    }
    throw error("unterminated string; expected a closing " + quote);
  }

  private char readEscape() {
    if (pos >= text.length()) {
      throw error("a backslash ends the path");
    }
    char c = text.charAt(pos++);
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case 'b' -> '\b';
      case 'f' -> '\f';
      case 'u' -> readUnicodeEscape();
      default -> c;
    };
  }

  private char readUnicodeEscape() {
    if (pos + 4 > text.length()) {
      throw error("expected four hex digits after \\u");
    }
    try {
      char c = (char) Integer.parseInt(text.substring(pos, pos + 4), 16);
      pos += 4;
      return c;
    } catch (NumberFormatException e) {
      throw error("expected four hex digits after \\u");
    }
  }

  // ---- filter expressions: or := and ('||' and)*; and := unary ('&&' unary)* ----

  private FilterExpression parseOr() {
    FilterExpression left = parseAnd();
    while (true) {
      skipBlanks();
      if (!text.startsWith("||", pos)) {
        return left;
      }
      pos += 2;
      left = new FilterExpression.Or(left, parseAnd());
    }
  }

  private FilterExpression parseAnd() {
    FilterExpression left = parseUnary();
    while (true) {
      skipBlanks();
      if (!text.startsWith("&&", pos)) {
        return left;
      }
      pos += 2;
      left = new FilterExpression.And(left, parseUnary());
    }
  }

  private FilterExpression parseUnary() {
    skipBlanks();
    if (peek('!') && peekAt(pos + 1) != '=') {
      pos++;
      return new FilterExpression.Not(parseUnary());
    }
    if (peek('(')) {
      pos++;
      FilterExpression inner = parseOr();
      skipBlanks();
      expect(')');
      return inner;
    }
    return parseComparison();
  }

  private FilterExpression parseComparison() {
    FilterExpression.Operand left = parseOperand();
    skipBlanks();
    if (pos >= text.length()
        || peek(')')
        || text.startsWith("&&", pos)
        || text.startsWith("||", pos)) {
      if (left instanceof FilterExpression.PathOperand path) {
        return new FilterExpression.Exists(path);
      }
      throw error("a literal alone is not a condition; compare it with an operator");
    }
    if (text.startsWith("=~", pos)) {
      pos += 2;
      skipBlanks();
      return new FilterExpression.Matches(left, readRegex());
    }
    FilterExpression.Operator operator = readOperator();
    skipBlanks();
    return new FilterExpression.Compare(left, operator, parseOperand());
  }

  private FilterExpression.Operator readOperator() {
    for (FilterExpression.Operator candidate :
        List.of(
            FilterExpression.Operator.EQ,
            FilterExpression.Operator.NE,
            FilterExpression.Operator.LE,
            FilterExpression.Operator.GE,
            FilterExpression.Operator.LT,
            FilterExpression.Operator.GT)) {
      if (text.startsWith(candidate.symbol, pos)) {
        pos += candidate.symbol.length();
        return candidate;
      }
    }
    for (String word : WORD_OPERATORS) {
      int end = pos + word.length();
      if (text.startsWith(word, pos)
          && (end >= text.length() || !Character.isLetterOrDigit(text.charAt(end)))) {
        pos = end;
        return FilterExpression.Operator.valueOf(word.toUpperCase(java.util.Locale.ROOT));
      }
    }
    throw error("expected a comparison operator (==, !=, <, <=, >, >=, =~, in, nin, ...)");
  }

  private FilterExpression.Operand parseOperand() {
    skipBlanks();
    char c = current();
    if (c == '@' || c == '$') {
      pos++;
      if (c == '$' && peek('$')) {
        throw error("the context object '$$' cannot be used inside a filter");
      }
      return new FilterExpression.PathOperand(c == '@', parseSteps(true));
    }
    return new FilterExpression.Literal(readLiteral());
  }

  private JsonNode readLiteral() {
    skipBlanks();
    char c = current();
    if (c == '\'' || c == '"') {
      return Json.NODES.textNode(readQuoted());
    }
    if (c == '-' || Character.isDigit(c)) {
      return readNumber();
    }
    if (c == '[') {
      return readArrayLiteral();
    }
    for (String word : List.of("true", "false", "null")) {
      if (text.startsWith(word, pos)) {
        pos += word.length();
        return switch (word) {
          case "true" -> Json.NODES.booleanNode(true);
          case "false" -> Json.NODES.booleanNode(false);
          default -> Json.NODES.nullNode();
        };
      }
    }
    throw error("expected a value: @-path, $-path, string, number, true, false, null or [...]");
  }

  private JsonNode readNumber() {
    int start = pos;
    while (pos < text.length() && "-+.eE0123456789".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    try {
      BigDecimal number = new BigDecimal(text.substring(start, pos));
      // Integers stay integral so that `size 5` and `[0]`-like comparisons see a whole number.
      return number.scale() <= 0
          ? Json.NODES.numberNode(number.toBigIntegerExact())
          : Json.NODES.numberNode(number);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("'" + text.substring(start, pos) + "' is not a number");
    }
  }

  private ArrayNode readArrayLiteral() {
    expect('[');
    ArrayNode array = Json.NODES.arrayNode();
    skipBlanks();
    if (peek(']')) {
      pos++;
      return array;
    }
    while (true) {
      array.add(readLiteral());
      skipBlanks();
      if (peek(']')) {
        pos++;
        return array;
      }
      expect(',');
    }
  }

  private Pattern readRegex() {
    expect('/');
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != '/') {
      pos += text.charAt(pos) == '\\' ? 2 : 1;
    }
    if (pos >= text.length()) {
      throw error("unterminated regular expression; expected a closing '/'");
    }
    String regex = text.substring(start, pos);
    pos++;
    int flags = 0;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      flags |=
          switch (text.charAt(pos)) {
            case 'i' -> Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
            case 'm' -> Pattern.MULTILINE;
            case 's' -> Pattern.DOTALL;
            case 'x' -> Pattern.COMMENTS;
            default -> throw error("unknown regular expression flag '" + text.charAt(pos) + "'");
          };
      pos++;
    }
    try {
      return Pattern.compile(regex, flags);
    } catch (PatternSyntaxException e) {
      throw error("invalid regular expression /" + regex + "/: " + e.getDescription());
    }
  }

  // ---- cursor ----

  private char current() {
    if (pos >= text.length()) {
      throw error("the path ends too early");
    }
    return text.charAt(pos);
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private char peekAt(int index) {
    return index < text.length() ? text.charAt(index) : '\0';
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error(
          pos >= text.length()
              ? "the path ends too early; expected '" + c + "'"
              : "expected '" + c + "' but found '" + text.charAt(pos) + "'");
    }
    pos++;
  }

  private void skipBlanks() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private InvalidPathException error(String problem) {
    return new InvalidPathException(
        "Invalid JSONPath '" + text + "': " + problem + " (at position " + pos + ")");
  }
}
