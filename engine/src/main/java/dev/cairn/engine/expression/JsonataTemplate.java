package dev.cairn.engine.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.jsonata.JsonataExpression;
import dev.cairn.engine.path.EvaluationContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A field of a JSONata state: a JSON value in which every string that starts with {@code {%} and
 * ends with {@code %}} is a JSONata expression, replaced by its value. Every expression is parsed
 * once; parts without one are kept as constants and shared.
 */
public final class JsonataTemplate implements Expression {
  private final JsonNode source;
  private final Part root;

  private JsonataTemplate(JsonNode source, Part root) {
    this.source = source;
    this.root = root;
  }

  /** Whether a value is a JSONata string. */
  public static boolean isExpression(JsonNode value) {
    return value != null && value.isTextual() && isExpression(value.textValue());
  }

  /** Whether a text is a JSONata string: {@code {%} ... {@code %}}. */
  public static boolean isExpression(String text) {
    return text.length() >= 4 && text.startsWith("{%") && text.endsWith("%}");
  }

  /**
   * Compiles a field's value.
   *
   * @param field the field's name, which messages show (nested members as {@code Output/name})
   * @throws IllegalArgumentException naming the field when an expression is not valid JSONata
   */
  public static JsonataTemplate compile(JsonNode value, String field) {
    JsonNode own = value.deepCopy();
    return new JsonataTemplate(own, compilePart(own, field));
  }

  /** Whether the value has no expression in it. */
  public boolean isConstant() {
    return root instanceof Constant;
  }

  @Override
  public JsonNode source() {
    return source;
  }

  @Override
  public JsonNode evaluate(EvaluationContext context) {
    return root.build(context);
  }

  private static Part compilePart(JsonNode node, String field) {
    if (isExpression(node)) {
      String text = node.textValue();
      String inner = text.substring(2, text.length() - 2).strip();
      try {
        return new Evaluated(JsonataExpression.parse(inner), field);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the JSONata expression '"
                + inner
                + "' in "
                + field
                + " is not valid: "
                + e.getMessage(),
            e);
      }
    }
    if (node.isObject()) {
      Map<String, Part> parts = new LinkedHashMap<>();
      boolean constant = true;
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        Part part = compilePart(entry.getValue(), field + "/" + entry.getKey());
        constant &= part instanceof Constant;
        parts.put(entry.getKey(), part);
      }
      return constant ? new Constant(node) : new ObjectPart(parts);
    }
    if (node.isArray()) {
      List<Part> parts = new ArrayList<>();
      boolean constant = true;
      for (JsonNode element : node) {
        Part part = compilePart(element, field);
        constant &= part instanceof Constant;
        parts.add(part);
      }
      return constant ? new Constant(node) : new ArrayPart(parts);
    }
    return new Constant(node);
  }

  private sealed interface Part permits Constant, Evaluated, ObjectPart, ArrayPart {
    JsonNode build(EvaluationContext context);
  }

  private record Constant(JsonNode value) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      return value;
    }
  }

  private record Evaluated(JsonataExpression expression, String field) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      JsonNode value = expression.evaluate(context, field);
      if (value == null) {
        throw new StatesException(
            StatesErrors.QUERY_EVALUATION_ERROR,
            "The JSONata expression '"
                + expression.text()
                + "' specified for the field '"
                + field
                + "' returned nothing (undefined).");
      }
      return value;
    }
  }

  private record ObjectPart(Map<String, Part> parts) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      ObjectNode object = Json.object();
      parts.forEach((name, part) -> object.set(name, part.build(context)));
      return object;
    }
  }

  private record ArrayPart(List<Part> parts) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      ArrayNode array = Json.NODES.arrayNode(parts.size());
      parts.forEach(part -> array.add(part.build(context)));
      return array;
    }
  }

  @Override
  public String toString() {
    return Json.write(source);
  }
}
