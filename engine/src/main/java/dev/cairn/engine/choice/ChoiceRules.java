package dev.cairn.engine.choice;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.definition.ValidationProblem;
import dev.cairn.engine.path.InvalidPathException;
import dev.cairn.engine.path.JsonPath;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses Choice rules (the objects in a Choice state's {@code Choices} array, minus Next).
 *
 * <p>Problems are reported with one of the rule codes {@link #INVALID_CHOICE_RULE}, {@link
 * #UNKNOWN_FIELD}, {@link #INVALID_JSONPATH} and {@link #INVALID_OPERAND}.
 */
public final class ChoiceRules {
  /** The rule's shape is wrong: not an object, no or several operators, an empty And/Or, ... */
  public static final String INVALID_CHOICE_RULE = "INVALID_CHOICE_RULE";

  /** The rule has a field the language does not define there. */
  public static final String UNKNOWN_FIELD = "UNKNOWN_FIELD";

  /** {@code Variable} or a {@code *Path} operand is not a valid path. */
  public static final String INVALID_JSONPATH = "INVALID_JSONPATH";

  /** A literal operand is not of the operator's type (e.g. a number for StringEquals). */
  public static final String INVALID_OPERAND = "INVALID_OPERAND";

  private static final String AND = "And";
  private static final String OR = "Or";
  private static final String NOT = "Not";
  private static final String VARIABLE = "Variable";
  private static final String NEXT = "Next";
  private static final String COMMENT = "Comment";

  /** Fields a top-level rule carries for its Choice state, ignored by the rule itself. */
  private static final Set<String> TOP_LEVEL_FIELDS = Set.of(NEXT, COMMENT, "Assign");

  private static final Map<String, Operator> OPERATORS = operators();

  private ChoiceRules() {}

  /**
   * Parses one boolean expression.
   *
   * @param rule the JSON object of the rule (a top-level rule may also carry {@code Next}, {@code
   *     Comment}, which are ignored here)
   * @param location the rule's location in the definition, e.g. {@code /States/Check/Choices/0}
   * @param problems where every problem found is added (parsing goes on to find them all)
   * @return the rule, or null when problems were added
   */
  public static ChoiceRule parse(JsonNode rule, String location, List<ValidationProblem> problems) {
    int before = problems.size();
    ChoiceRule parsed = parse(rule, location, problems, true);
    return problems.size() == before ? parsed : null;
  }

  private static ChoiceRule parse(
      JsonNode rule, String location, List<ValidationProblem> problems, boolean topLevel) {
    if (rule == null || !rule.isObject()) {
      problems.add(
          new ValidationProblem(
              location,
              INVALID_CHOICE_RULE,
              "A Choice rule must be a JSON object, but found " + describe(rule) + "."));
      return null;
    }
    List<String> operators = new ArrayList<>();
    for (Iterator<String> names = rule.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.equals(AND) || name.equals(OR) || name.equals(NOT) || OPERATORS.containsKey(name)) {
        operators.add(name);
      } else if (!name.equals(VARIABLE)) {
        checkOtherField(name, location, problems, topLevel);
      }
    }
    if (operators.size() != 1) {
      String found =
          operators.isEmpty()
              ? "found none"
              : "found " + String.join(", ", operators.stream().map(o -> "'" + o + "'").toList());
      problems.add(
          new ValidationProblem(
              location,
              INVALID_CHOICE_RULE,
              "A Choice rule must contain exactly one of 'And', 'Or', 'Not' or a comparison"
                  + " operator such as 'StringEquals'; "
                  + found
                  + "."));
      return null;
    }
    String operator = operators.get(0);
    return switch (operator) {
      case AND, OR -> parseList(rule, operator, location, problems);
      case NOT -> parseNot(rule, location, problems);
      default -> parseDataTest(rule, operator, OPERATORS.get(operator), location, problems);
    };
  }

  private static void checkOtherField(
      String name, String location, List<ValidationProblem> problems, boolean topLevel) {
    if (name.equals(COMMENT) || (topLevel && TOP_LEVEL_FIELDS.contains(name))) {
      return;
    }
    String message;
    if (TOP_LEVEL_FIELDS.contains(name)) {
      message =
          "'"
              + name
              + "' is only allowed on a top-level Choice rule, not inside 'And', 'Or' or 'Not'.";
    } else if (name.equals("Condition")) {
      message = "'Condition' is only allowed when the query language is JSONata.";
    } else {
      message =
          "Unknown field '"
              + name
              + "' in a Choice rule; expected 'Variable' with one comparison operator, or one of"
              + " 'And', 'Or', 'Not'.";
    }
    problems.add(new ValidationProblem(location + "/" + name, UNKNOWN_FIELD, message));
  }

  private static ChoiceRule parseList(
      JsonNode rule, String operator, String location, List<ValidationProblem> problems) {
    String at = location + "/" + operator;
    JsonNode value = rule.get(operator);
    if (rule.has(VARIABLE)) {
      problems.add(variableNotAllowed(location, operator));
    }
    if (!value.isArray() || value.isEmpty()) {
      problems.add(
          new ValidationProblem(
              at,
              INVALID_CHOICE_RULE,
              "'"
                  + operator
                  + "' must be a non-empty array of Choice rules, but found "
                  + describe(value)
                  + "."));
      return null;
    }
    List<ChoiceRule> rules = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      rules.add(parse(value.get(i), at + "/" + i, problems, false));
    }
    if (rules.contains(null)) {
      return null;
    }
    return operator.equals(AND)
        ? new BooleanExpression.And(rules)
        : new BooleanExpression.Or(rules);
  }

  private static ChoiceRule parseNot(
      JsonNode rule, String location, List<ValidationProblem> problems) {
    JsonNode value = rule.get(NOT);
    if (rule.has(VARIABLE)) {
      problems.add(variableNotAllowed(location, NOT));
    }
    if (!value.isObject()) {
      problems.add(
          new ValidationProblem(
              location + "/" + NOT,
              INVALID_CHOICE_RULE,
              "'Not' must be a single Choice rule object, but found " + describe(value) + "."));
      return null;
    }
    ChoiceRule inner = parse(value, location + "/" + NOT, problems, false);
    return inner == null ? null : new BooleanExpression.Not(inner);
  }

  private static ValidationProblem variableNotAllowed(String location, String operator) {
    return new ValidationProblem(
        location + "/" + VARIABLE,
        UNKNOWN_FIELD,
        "'Variable' is not allowed in a rule with '" + operator + "'; put it in the nested rules.");
  }

  private static ChoiceRule parseDataTest(
      JsonNode rule,
      String name,
      Operator operator,
      String location,
      List<ValidationProblem> problems) {
    JsonPath variable = parseVariable(rule, name, location, problems);
    JsonNode operand = rule.get(name);
    String at = location + "/" + name;
    ChoiceRule parsed =
        switch (operator) {
          case Operator.Compare compare when compare.path() ->
              pathComparison(variable, compare, name, operand, at, problems);
          case Operator.Compare compare ->
              literalComparison(variable, compare, name, operand, at, problems);
          case Operator.Matches matches -> stringMatches(variable, name, operand, at, problems);
          case Operator.Test test -> typeTest(variable, test, name, operand, at, problems);
        };
    return variable == null ? null : parsed;
  }

  private static JsonPath parseVariable(
      JsonNode rule, String operator, String location, List<ValidationProblem> problems) {
    JsonNode variable = rule.get(VARIABLE);
    if (variable == null) {
      problems.add(
          new ValidationProblem(
              location,
              INVALID_CHOICE_RULE,
              "The comparison operator '"
                  + operator
                  + "' requires a 'Variable' field: the path of the value to test, e.g."
                  + " \"$.status\"."));
      return null;
    }
    return path(variable, VARIABLE, location + "/" + VARIABLE, problems);
  }

  private static JsonPath path(
      JsonNode value, String field, String location, List<ValidationProblem> problems) {
    if (!value.isTextual()) {
      problems.add(
          new ValidationProblem(
              location,
              INVALID_JSONPATH,
              "'"
                  + field
                  + "' must be a path string such as \"$.status\", but found "
                  + describe(value)
                  + "."));
      return null;
    }
    try {
      return JsonPath.parse(value.textValue());
    } catch (InvalidPathException e) {
      problems.add(
          new ValidationProblem(
              location,
              INVALID_JSONPATH,
              "'" + field + "' is not a valid path: " + e.getMessage()));
      return null;
    }
  }

  private static ChoiceRule pathComparison(
      JsonPath variable,
      Operator.Compare compare,
      String name,
      JsonNode operand,
      String location,
      List<ValidationProblem> problems) {
    JsonPath other = path(operand, name, location, problems);
    return other == null
        ? null
        : new DataTest.Path(variable, compare.type(), compare.relation(), other);
  }

  private static ChoiceRule literalComparison(
      JsonPath variable,
      Operator.Compare compare,
      String name,
      JsonNode operand,
      String location,
      List<ValidationProblem> problems) {
    Object value = compare.type().extract(operand);
    if (value == null) {
      problems.add(wrongOperand(name, compare.type().description(), operand, location));
      return null;
    }
    if (value instanceof JsonNode number) {
      // Keep the definition's node out of reach of anyone who might mutate the tree later.
      value = number.deepCopy();
    }
    return new DataTest.Literal(variable, compare.type(), compare.relation(), value);
  }

  private static ChoiceRule stringMatches(
      JsonPath variable,
      String name,
      JsonNode operand,
      String location,
      List<ValidationProblem> problems) {
    if (!operand.isTextual()) {
      problems.add(wrongOperand(name, "a string pattern", operand, location));
      return null;
    }
    return new DataTest.Matches(variable, WildcardPattern.compile(operand.textValue()));
  }

  private static ChoiceRule typeTest(
      JsonPath variable,
      Operator.Test test,
      String name,
      JsonNode operand,
      String location,
      List<ValidationProblem> problems) {
    if (!operand.isBoolean()) {
      problems.add(wrongOperand(name, "a boolean", operand, location));
      return null;
    }
    return new DataTest.TypeTest(variable, test.kind(), operand.booleanValue());
  }

  private static ValidationProblem wrongOperand(
      String name, String expected, JsonNode operand, String location) {
    return new ValidationProblem(
        location,
        INVALID_OPERAND,
        "'" + name + "' expects " + expected + ", but found " + describe(operand) + ".");
  }

  /** A short description of a JSON value for messages: its type, and strings quoted. */
  private static String describe(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "nothing";
    }
    return switch (value.getNodeType()) {
      case STRING -> "the string \"" + value.textValue() + "\"";
      case NUMBER -> "the number " + value.asText();
      case BOOLEAN -> "the boolean " + value.asText();
      case NULL -> "null";
      case ARRAY -> value.isEmpty() ? "an empty array" : "an array";
      case OBJECT -> "an object";
      default -> "a " + value.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** What an operator field means, looked up by its name. */
  private sealed interface Operator {
    record Compare(ValueType type, Relation relation, boolean path) implements Operator {}

    record Matches() implements Operator {}

    record Test(DataTest.Kind kind) implements Operator {}
  }

  private static Map<String, Operator> operators() {
    Map<String, Operator> operators = new LinkedHashMap<>();
    Map<ValueType, String> prefixes =
        Map.of(
            ValueType.STRING, "String",
            ValueType.NUMERIC, "Numeric",
            ValueType.BOOLEAN, "Boolean",
            ValueType.TIMESTAMP, "Timestamp");
    for (ValueType type : ValueType.values()) {
      for (Relation relation : Relation.values()) {
        if (type == ValueType.BOOLEAN && relation != Relation.EQUALS) {
          continue;
        }
        String name = prefixes.get(type) + relation.suffix();
        operators.put(name, new Operator.Compare(type, relation, false));
        operators.put(name + "Path", new Operator.Compare(type, relation, true));
      }
    }
    operators.put("StringMatches", new Operator.Matches());
    for (DataTest.Kind kind : DataTest.Kind.values()) {
      operators.put(kind.operator(), new Operator.Test(kind));
    }
    return Map.copyOf(operators);
  }
}
