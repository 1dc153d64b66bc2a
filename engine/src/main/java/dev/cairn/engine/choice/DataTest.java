package dev.cairn.engine.choice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.path.EvaluationContext;
import dev.cairn.engine.path.JsonPath;

/** The data-test expressions: a value selected by {@code Variable} tested against an operand. */
final class DataTest {
  private DataTest() {}

  /**
   * Reads a path the comparison needs. Step Functions fails the execution when it designates
   * nothing (only {@code IsPresent} tolerates that), rather than treating the rule as false.
   */
  static JsonNode require(JsonPath path, EvaluationContext context) {
    JsonNode value = path.read(context);
    if (value == null) {
      throw StatesException.runtime(
          "Invalid path '"
              + path.text()
              + "': The choice state's condition path references an invalid value.");
    }
    return value;
  }

  /** {@code StringEquals}, {@code NumericLessThan}, ...: compares with a literal parsed once. */
  record Literal(JsonPath variable, ValueType type, Relation relation, Object operand)
      implements ChoiceRule {
    @Override
    public boolean matches(EvaluationContext context) {
      Object value = type.extract(require(variable, context));
      return value != null && relation.holds(type.compare(value, operand));
    }
  }

  /** {@code StringEqualsPath}, ...: compares with another value of the input or context. */
  record Path(JsonPath variable, ValueType type, Relation relation, JsonPath operand)
      implements ChoiceRule {
    @Override
    public boolean matches(EvaluationContext context) {
      Object value = type.extract(require(variable, context));
      Object other = type.extract(require(operand, context));
      return value != null && other != null && relation.holds(type.compare(value, other));
    }
  }

  /** {@code StringMatches}: a string against a {@code *} wildcard pattern. */
  record Matches(JsonPath variable, WildcardPattern pattern) implements ChoiceRule {
    @Override
    public boolean matches(EvaluationContext context) {
      JsonNode value = require(variable, context);
      return value.isTextual() && pattern.matches(value.textValue());
    }
  }

  /** The type tests {@code IsNull}, {@code IsString}, ...: whether the value is of a kind. */
  record TypeTest(JsonPath variable, Kind kind, boolean expected) implements ChoiceRule {
    @Override
    public boolean matches(EvaluationContext context) {
      if (kind == Kind.PRESENT) {
        return (variable.read(context) != null) == expected;
      }
      return kind.test(require(variable, context)) == expected;
    }
  }

  /** What a type test checks. */
  enum Kind {
    NULL("IsNull"),
    PRESENT("IsPresent"),
    NUMERIC("IsNumeric"),
    STRING("IsString"),
    BOOLEAN("IsBoolean"),
    TIMESTAMP("IsTimestamp");

    private final String operator;

    Kind(String operator) {
      this.operator = operator;
    }

    /** The operator's field name. */
    String operator() {
      return operator;
    }

    boolean test(JsonNode value) {
      return switch (this) {
        case NULL -> value.isNull();
        case PRESENT -> true;
        case NUMERIC -> value.isNumber();
        case STRING -> value.isTextual();
        case BOOLEAN -> value.isBoolean();
        case TIMESTAMP -> value.isTextual() && Timestamps.parse(value.textValue()) != null;
      };
    }
  }
}
