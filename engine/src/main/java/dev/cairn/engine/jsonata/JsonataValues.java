package dev.cairn.engine.jsonata;

import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between the engine's JSON values and the Java values the JSONata library works on (maps,
 * lists, strings, numbers, booleans and its own JSON null).
 */
final class JsonataValues {
  /** The largest integer a double holds exactly; JSONata numbers are doubles. */
  private static final double EXACT_INTEGER_LIMIT = 9007199254740992d;

  private JsonataValues() {}

  /** The library's value for a JSON value. */
  static Object toJava(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return null;
    }
    switch (node.getNodeType()) {
      case OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
        return map;
      }
      case ARRAY -> {
        List<Object> list = new ArrayList<>(node.size());
        node.forEach(element -> list.add(toJava(element)));
        return list;
      }
      case STRING -> {
        return node.textValue();
      }
      case BOOLEAN -> {
        return node.booleanValue();
      }
      case NUMBER -> {
        if (node.isIntegralNumber() && node.canConvertToLong()) {
          long value = node.longValue();
          return value == (int) value ? (Object) (int) value : (Object) value;
        }
        if (node.isBigDecimal() && Json.isWhole(node.decimalValue())) {
          BigDecimal value = node.decimalValue();
          try {
            long whole = value.longValueExact();
            return whole == (int) whole ? (Object) (int) whole : (Object) whole;
          } catch (ArithmeticException e) {
            return value.doubleValue();
          }
        }
        return node.doubleValue();
      }
      default -> {
        return Jsonata.NULL_VALUE;
      }
    }
  }

  /**
   * The JSON value of a library value; null for undefined.
   *
   * @throws IllegalArgumentException when the value has no JSON form (a function, a number that is
   *     not finite)
   */
  static JsonNode toJson(Object value) {
    if (value == null) {
      return null;
    }
    if (value == Jsonata.NULL_VALUE) {
      return Json.NODES.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = Json.object();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        JsonNode member = toJson(entry.getValue());
        // JSON has no undefined: a member whose value is undefined is left out, as JSON.stringify
        // does.
        if (member != null) {
          object.set(String.valueOf(entry.getKey()), member);
        }
      }
      return object;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = Json.NODES.arrayNode(list.size());
      for (Object element : list) {
        JsonNode item = toJson(element);
        array.add(item == null ? Json.NODES.nullNode() : item);
      }
      return array;
    }
    if (value instanceof CharSequence text) {
      return Json.NODES.textNode(text.toString());
    }
    if (value instanceof Boolean bool) {
      return Json.NODES.booleanNode(bool);
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      return integer(((Number) value).longValue());
    }
    if (value instanceof BigInteger big) {
      return Json.NODES.numberNode(big);
    }
    if (value instanceof BigDecimal decimal) {
      return Json.NODES.numberNode(decimal);
    }
    if (value instanceof Number number) {
      double d = number.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("the number " + d + " cannot be represented in JSON");
      }
      if (d == Math.rint(d) && Math.abs(d) < EXACT_INTEGER_LIMIT) {
        return integer((long) d);
      }
      return Json.NODES.numberNode(BigDecimal.valueOf(d));
    }
    throw new IllegalArgumentException("a " + describe(value) + " cannot be represented in JSON");
  }

  /** An integer node of the smallest kind, as the engine's JSON parser makes them. */
  private static JsonNode integer(long value) {
    return value == (int) value ? Json.NODES.numberNode((int) value) : Json.NODES.numberNode(value);
  }

  private static String describe(Object value) {
    String name = value.getClass().getName();
    return name.contains("Function") || name.contains("Symbol")
        ? "function"
        : "value of type " + name;
  }
}
