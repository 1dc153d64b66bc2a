package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A payload template (Parameters, ResultSelector, ItemSelector, legacy Map Parameters): a JSON
 * value whose object keys ending in {@code .$} are replaced, without the suffix, by the value of
 * their {@link ValueExpression}. Nested objects and arrays are templates too.
 *
 * <p>Compiled once: every expression is parsed and every part without a dynamic value is kept as a
 * constant, so evaluation only builds the objects and arrays that contain dynamic values. Payloads
 * share constant parts with the template and selected values with the input; they are read-only.
 */
public final class PayloadTemplate {
  private static final String DYNAMIC_SUFFIX = ".$";

  private final JsonNode template;
  private final Part root;

  private PayloadTemplate(JsonNode template, Part root) {
    this.template = template;
    this.root = root;
  }

  /**
   * Compiles a template, parsing every dynamic value once.
   *
   * @throws InvalidPathException naming the key (e.g. {@code 'value.$'}) whose value is not a valid
   *     path or call, or whose value is not a string
   */
  public static PayloadTemplate compile(JsonNode template) {
    if (template == null) {
      throw new InvalidPathException("A payload template must be a JSON value, not null");
    }
    // A private copy: the definition tree it came from may be changed by its owner.
    JsonNode own = template.deepCopy();
    return new PayloadTemplate(own, compilePart(own));
  }

  /** The template as written. */
  public JsonNode template() {
    return template;
  }

  /**
   * Builds the payload.
   *
   * @throws dev.cairn.engine.error.StatesException when a path designates nothing or a call fails,
   *     with Step Functions' message
   */
  public JsonNode evaluate(EvaluationContext context) {
    return root.build(context);
  }

  private static Part compilePart(JsonNode node) {
    if (node.isObject()) {
      return compileObject(node);
    }
    if (node.isArray()) {
      List<Part> parts = new ArrayList<>(node.size());
      boolean constant = true;
      for (JsonNode element : node) {
        Part part = compilePart(element);
        constant &= part instanceof Constant;
        parts.add(part);
      }
      return constant ? new Constant(node) : new ArrayPart(parts.toArray(Part[]::new));
    }
    return new Constant(node);
  }

  private static Part compileObject(JsonNode node) {
    int size = node.size();
    String[] names = new String[size];
    Part[] parts = new Part[size];
    Map<String, String> writtenKeys = new HashMap<>();
    boolean constant = true;
    int i = 0;
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = field.getKey();
      boolean dynamic = key.endsWith(DYNAMIC_SUFFIX);
      names[i] = dynamic ? key.substring(0, key.length() - DYNAMIC_SUFFIX.length()) : key;
      String clash = writtenKeys.put(names[i], key);
      if (clash != null) {
        throw new InvalidPathException(
            "The payload template has both '"
                + clash
                + "' and '"
                + key
                + "', which would both produce the field '"
                + names[i]
                + "'");
      }
      parts[i] = dynamic ? compileDynamic(key, field.getValue()) : compilePart(field.getValue());
      constant &= parts[i] instanceof Constant;
      i++;
    }
    return constant ? new Constant(node) : new ObjectPart(names, parts);
  }

  private static Part compileDynamic(String key, JsonNode value) {
    String message =
        "The value for the field '"
            + key
            + "' must be a valid JSONPath or a valid intrinsic"
            + " function call";
    if (!value.isTextual()) {
      throw new InvalidPathException(message);
    }
    try {
      return new Dynamic(ValueExpression.parse(value.textValue()), key);
    } catch (InvalidPathException e) {
      InvalidPathException named = new InvalidPathException(message);
      named.initCause(e);
      throw named;
    }
  }

  /** A compiled piece of the template. */
  private sealed interface Part {
    JsonNode build(EvaluationContext context);
  }

  /** A subtree without dynamic values: returned as is, never copied. */
  private record Constant(JsonNode value) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      return value;
    }
  }

  /** A {@code key.$} value; {@code field} is the key as written, for error messages. */
  private record Dynamic(ValueExpression expression, String field) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      return expression.evaluate(context, field);
    }
  }

  /** An object with at least one dynamic value below it, in the template's member order. */
  private record ObjectPart(String[] names, Part[] parts) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      ObjectNode object = Json.object();
      for (int i = 0; i < names.length; i++) {
        object.set(names[i], parts[i].build(context));
      }
      return object;
    }
  }

  /** An array with at least one dynamic value below it. */
  private record ArrayPart(Part[] parts) implements Part {
    @Override
    public JsonNode build(EvaluationContext context) {
      ArrayNode array = Json.NODES.arrayNode(parts.length);
      for (Part part : parts) {
        array.add(part.build(context));
      }
      return array;
    }
  }
}
