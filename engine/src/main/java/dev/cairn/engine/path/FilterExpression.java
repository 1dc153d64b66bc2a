package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * The predicate of a filter step {@code [?(...)]}, evaluated per candidate node ({@code @}) with
 * Jayway JsonPath's comparison rules.
 */
sealed interface FilterExpression {

  /** Whether the predicate holds for {@code current}; {@code root} is what {@code $} means. */
  boolean test(JsonNode current, JsonNode root);

  /** A value in a comparison: a literal, or a path from {@code @} or {@code $}. */
  sealed interface Operand {
    /** The value, or null when a path designates nothing. */
    JsonNode value(JsonNode current, JsonNode root);
  }

  /** A JSON literal written in the filter. */
  record Literal(JsonNode literal) implements Operand {
    @Override
    public JsonNode value(JsonNode current, JsonNode root) {
      return literal;
    }
  }

  /** {@code @.x} (relative) or {@code $.x} (from the document root). */
  record PathOperand(boolean relative, CompiledPath path) implements Operand {
    @Override
    public JsonNode value(JsonNode current, JsonNode root) {
      return path.read(relative ? current : root, root);
    }

    boolean exists(JsonNode current, JsonNode root) {
      JsonNode value = value(current, root);
      return path.definite() || path.function() != null
          ? value != null
          : value != null && !value.isEmpty();
    }
  }

  /** {@code a && b}. */
  record And(FilterExpression left, FilterExpression right) implements FilterExpression {
    @Override
    public boolean test(JsonNode current, JsonNode root) {
      return left.test(current, root) && right.test(current, root);
    }
  }

  /** {@code a || b}. */
  record Or(FilterExpression left, FilterExpression right) implements FilterExpression {
    @Override
    public boolean test(JsonNode current, JsonNode root) {
      return left.test(current, root) || right.test(current, root);
    }
  }

  /** {@code !a}. */
  record Not(FilterExpression operand) implements FilterExpression {
    @Override
    public boolean test(JsonNode current, JsonNode root) {
      return !operand.test(current, root);
    }
  }

  /** {@code [?(@.x)]}: the path designates something (a present null counts). */
  record Exists(PathOperand path) implements FilterExpression {
    @Override
    public boolean test(JsonNode current, JsonNode root) {
      return path.exists(current, root);
    }
  }

  /** {@code @.name =~ /regex/flags}: the whole string matches. */
  record Matches(Operand left, Pattern pattern) implements FilterExpression {
    @Override
    public boolean test(JsonNode current, JsonNode root) {
      JsonNode value = left.value(current, root);
      return value != null && value.isTextual() && pattern.matcher(value.textValue()).matches();
    }
  }

  /** A binary comparison. */
  record Compare(Operand left, Operator operator, Operand right) implements FilterExpression {
    @Override
    public boolean test(JsonNode current, JsonNode root) {
      JsonNode l = left.value(current, root);
      JsonNode r = right.value(current, root);
      return operator.holds(l, r);
    }
  }

  /** The binary operators of Jayway filters other than {@code =~}. */
  enum Operator {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">="),
    IN("in"),
    NIN("nin"),
    SUBSETOF("subsetof"),
    ANYOF("anyof"),
    NONEOF("noneof"),
    CONTAINS("contains"),
    SIZE("size"),
    EMPTY("empty");

    final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    boolean holds(JsonNode l, JsonNode r) {
      return switch (this) {
        case EQ -> same(l, r);
        case NE -> !same(l, r);
        case LT -> ordered(l, r) && order(l, r) < 0;
        case LE -> ordered(l, r) && order(l, r) <= 0;
        case GT -> ordered(l, r) && order(l, r) > 0;
        case GE -> ordered(l, r) && order(l, r) >= 0;
        case IN -> r != null && r.isArray() && contains(r, l);
        case NIN -> r == null || !r.isArray() || !contains(r, l);
        case SUBSETOF -> arrays(l, r) && every(l, r, true);
        case ANYOF -> arrays(l, r) && !every(l, r, false);
        case NONEOF -> arrays(l, r) && every(l, r, false);
        case CONTAINS -> containsValue(l, r);
        case SIZE ->
            l != null
                && r != null
                && r.isNumber()
                && (l.isArray() || l.isTextual())
                && r.decimalValue().compareTo(BigDecimal.valueOf(sizeOf(l))) == 0;
        case EMPTY ->
            l != null
                && r != null
                && r.isBoolean()
                && (l.isArray() || l.isTextual())
                && (sizeOf(l) == 0) == r.booleanValue();
      };
    }

    // Only two numbers or two strings have an order; any other pair fails every relation.
    private static boolean ordered(JsonNode l, JsonNode r) {
      return l != null
          && r != null
          && ((l.isNumber() && r.isNumber()) || (l.isTextual() && r.isTextual()));
    }

    private static int order(JsonNode l, JsonNode r) {
      return l.isNumber()
          ? l.decimalValue().compareTo(r.decimalValue())
          : l.textValue().compareTo(r.textValue());
    }

    /**
     * Jayway's equality: numbers by value; a number equals a string holding the same number and a
     * string equals a number written the same way; everything else structurally.
     */
    static boolean same(JsonNode l, JsonNode r) {
      if (l == null || r == null) {
        return false;
      }
      if (l.isNumber() && r.isNumber()) {
        return l.decimalValue().compareTo(r.decimalValue()) == 0;
      }
      if (l.isNumber() && r.isTextual()) {
        BigDecimal parsed = parseNumber(r.textValue());
        return parsed != null && l.decimalValue().compareTo(parsed) == 0;
      }
      if (l.isTextual() && r.isNumber()) {
        return l.textValue().equals(r.asText());
      }
      return l.equals(r);
    }

    private static BigDecimal parseNumber(String text) {
      try {
        return new BigDecimal(text);
      } catch (NumberFormatException e) {
        return null;
      }
    }

    private static boolean contains(JsonNode array, JsonNode value) {
      for (JsonNode element : array) {
        if (same(value, element)) {
          return true;
        }
      }
      return false;
    }

    private static boolean arrays(JsonNode l, JsonNode r) {
      return l != null && r != null && l.isArray() && r.isArray();
    }

    // every element of l is (expected=true) or is not (expected=false) in r
    private static boolean every(JsonNode l, JsonNode r, boolean expected) {
      for (JsonNode element : l) {
        if (contains(r, element) != expected) {
          return false;
        }
      }
      return true;
    }

    private static boolean containsValue(JsonNode l, JsonNode r) {
      if (l == null || r == null) {
        return false;
      }
      if (l.isTextual() && r.isTextual()) {
        return l.textValue().contains(r.textValue());
      }
      return l.isArray() && contains(l, r);
    }

    private static long sizeOf(JsonNode node) {
      return node.isTextual() ? node.textValue().length() : node.size();
    }
  }
}
