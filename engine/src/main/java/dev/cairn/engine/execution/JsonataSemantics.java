package dev.cairn.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.choice.Timestamps;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.expression.Expression;
import dev.cairn.engine.expression.JsonataTemplate;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.path.EvaluationContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rules of JSONata states and of variables that the interpreter and TestState share: building
 * {@code $states}, checking what an expression returned for a field that needs a certain type, and
 * evaluating Assign.
 */
public final class JsonataSemantics {
  /** Step Functions' limit on one variable's value and on all values one Assign sets: 256 KiB. */
  public static final int ASSIGN_LIMIT_BYTES = 256 * 1024;

  private JsonataSemantics() {}

  /**
   * JSONata's {@code $states}.
   *
   * @param result the state's result, or null where there is none (yet)
   * @param errorOutput the error output in a Catcher, or null
   */
  public static ObjectNode states(
      JsonNode input, JsonNode context, JsonNode result, JsonNode errorOutput) {
    ObjectNode states = Json.object();
    states.set("input", input);
    states.set("context", context);
    if (result != null) {
      states.set("result", result);
    }
    if (errorOutput != null) {
      states.set("errorOutput", errorOutput);
    }
    return states;
  }

  /** Evaluates a field; its default when the state does not have it. */
  public static JsonNode valueOr(
      JsonataTemplate field, EvaluationContext context, JsonNode fallback) {
    return field == null ? fallback : field.evaluate(context);
  }

  /**
   * Evaluates an Assign: the variables' new values, all computed from the values on state entry.
   *
   * @throws StatesException {@code States.DataLimitExceeded} when a value, or all of them, exceed
   *     256 KiB
   */
  public static Map<String, JsonNode> assignments(Expression assign, EvaluationContext context) {
    if (assign == null) {
      return Map.of();
    }
    JsonNode values = assign.evaluate(context);
    Map<String, JsonNode> assignments = new LinkedHashMap<>();
    long total = 0;
    for (Map.Entry<String, JsonNode> entry : values.properties()) {
      int size = Json.sizeInBytes(entry.getValue());
      total += size;
      if (size > ASSIGN_LIMIT_BYTES || total > ASSIGN_LIMIT_BYTES) {
        throw new StatesException(
            StatesErrors.DATA_LIMIT_EXCEEDED,
            "The variables assigned by the state exceed the maximum number of bytes service limit"
                + " (variable '"
                + entry.getKey()
                + "').");
      }
      assignments.put(entry.getKey(), entry.getValue());
    }
    return assignments;
  }

  /** The JSON type name Step Functions uses in messages: array, object, string, ... */
  public static String typeName(JsonNode value) {
    return switch (value.getNodeType()) {
      case ARRAY -> "array";
      case OBJECT -> "object";
      case STRING -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      default -> "null";
    };
  }

  /**
   * A JSONata Map state's items: the {@code Items} expression's value, else {@code input}.
   *
   * @throws StatesException {@code States.QueryEvaluationError} when they are not an array
   */
  public static com.fasterxml.jackson.databind.node.ArrayNode mapItems(
      dev.cairn.engine.definition.StateFlow flow, EvaluationContext context, JsonNode input) {
    JsonNode items = valueOr(flow.field("Items"), context, input);
    return requireItemsArray(flow, items);
  }

  /**
   * {@code items} as an array.
   *
   * @throws StatesException {@code States.QueryEvaluationError} when they are not one
   */
  public static com.fasterxml.jackson.databind.node.ArrayNode requireItemsArray(
      dev.cairn.engine.definition.StateFlow flow, JsonNode items) {
    if (!items.isArray()) {
      if (flow.field("Items") != null) {
        throw unexpectedType(flow.field("Items"), "Items", "array", items);
      }
      throw new StatesException(
          StatesErrors.QUERY_EVALUATION_ERROR,
          "Map state input must be an array but was: " + Json.write(items));
    }
    return (com.fasterxml.jackson.databind.node.ArrayNode) items;
  }

  /** A JSONata Map state's concurrency and tolerated failures, its fields evaluated. */
  public static StateSemantics.MapLimits mapLimits(
      dev.cairn.engine.definition.StateFlow flow,
      dev.cairn.engine.definition.MapState map,
      EvaluationContext context) {
    int maxConcurrency =
        integer(flow.field("MaxConcurrency"), "MaxConcurrency", context, map.maxConcurrency(), 0);
    Integer toleratedCount =
        integer(
            flow.field("ToleratedFailureCount"),
            "ToleratedFailureCount",
            context,
            map.toleratedFailureCount(),
            0);
    BigDecimal toleratedPercentage =
        percentage(
            flow.field("ToleratedFailurePercentage"), context, map.toleratedFailurePercentage());
    return new StateSemantics.MapLimits(maxConcurrency, toleratedCount, toleratedPercentage);
  }

  /** A QueryEvaluationError for an expression whose value has the wrong type for its field. */
  public static StatesException unexpectedType(
      JsonataTemplate field, String fieldName, String expected, JsonNode value) {
    String text =
        field.source().isTextual() ? field.source().textValue() : Json.write(field.source());
    if (JsonataTemplate.isExpression(text)) {
      text = text.substring(2, text.length() - 2).strip();
    }
    return new StatesException(
        StatesErrors.QUERY_EVALUATION_ERROR,
        "The JSONata expression '"
            + text
            + "' specified for the field '"
            + fieldName
            + "' returned an unexpected result type. Expected '"
            + expected
            + "', but was '"
            + typeName(value)
            + "' for value: "
            + Json.write(value));
  }

  /**
   * An integer field (TimeoutSeconds, MaxConcurrency, ...) from its expression, or its literal.
   *
   * @param min the least value allowed
   */
  public static Integer integer(
      JsonataTemplate field,
      String fieldName,
      EvaluationContext context,
      Integer literal,
      int min) {
    return integer(field, fieldName, context, literal, min, Integer.MAX_VALUE);
  }

  /**
   * An integer field from its expression, or its literal, from {@code min} to {@code max}.
   *
   * @param min the least value allowed
   * @param max the greatest value allowed
   */
  public static Integer integer(
      JsonataTemplate field,
      String fieldName,
      EvaluationContext context,
      Integer literal,
      int min,
      int max) {
    if (field == null) {
      return literal;
    }
    JsonNode value = field.evaluate(context);
    if (!value.isNumber() || !Json.isWhole(value.decimalValue())) {
      throw unexpectedType(field, fieldName, "integer", value);
    }
    BigDecimal number = value.decimalValue();
    if (number.compareTo(BigDecimal.valueOf(min)) < 0
        || number.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new StatesException(
          StatesErrors.QUERY_EVALUATION_ERROR,
          "The value of the field '"
              + fieldName
              + "' must be an integer from "
              + min
              + " to "
              + max
              + ", but was: "
              + Json.write(value));
    }
    return number.intValue();
  }

  /** ToleratedFailurePercentage from its expression, or its literal. */
  public static BigDecimal percentage(
      JsonataTemplate field, EvaluationContext context, BigDecimal literal) {
    if (field == null) {
      return literal;
    }
    JsonNode value = field.evaluate(context);
    if (!value.isNumber()) {
      throw unexpectedType(field, "ToleratedFailurePercentage", "number", value);
    }
    BigDecimal number = value.decimalValue();
    if (number.signum() < 0 || number.compareTo(BigDecimal.valueOf(100)) > 0) {
      throw new StatesException(
          StatesErrors.QUERY_EVALUATION_ERROR,
          "The value of the field 'ToleratedFailurePercentage' must be a number from 0 to 100,"
              + " but was: "
              + Json.write(value));
    }
    return number;
  }

  /** A Wait state's Timestamp from its expression. */
  public static Instant timestamp(JsonataTemplate field, EvaluationContext context) {
    JsonNode value = field.evaluate(context);
    if (!value.isTextual()) {
      throw unexpectedType(field, "Timestamp", "string", value);
    }
    // The specification's timestamp format: RFC 3339 with an uppercase T and Z (or an offset).
    Instant instant = Timestamps.parse(value.textValue());
    if (instant == null) {
      throw new StatesException(
          StatesErrors.QUERY_EVALUATION_ERROR,
          "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format"
              + " string: "
              + value.textValue());
    }
    return instant;
  }

  /** A Fail state's Error or Cause from its expression: a string. */
  public static String text(JsonataTemplate field, String fieldName, EvaluationContext context) {
    JsonNode value = field.evaluate(context);
    if (!value.isTextual()) {
      throw unexpectedType(field, fieldName, "string", value);
    }
    return value.textValue();
  }

  /** A JSONata choice rule's Condition: a boolean. */
  public static boolean condition(JsonataTemplate field, EvaluationContext context) {
    JsonNode value = field.evaluate(context);
    if (!value.isBoolean()) {
      throw unexpectedType(field, "Condition", "boolean", value);
    }
    return value.booleanValue();
  }
}
