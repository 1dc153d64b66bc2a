package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;

/**
 * A JSONPath expression as Step Functions accepts it in InputPath, OutputPath, ItemsPath, the
 * {@code *Path} fields and {@code .$} template values. {@code $} starts at the state input, {@code
 * $$} at the context object. Parsed once when the definition is loaded; evaluation is thread-safe.
 *
 * <p>The dialect is Jayway JsonPath's, which Step Functions uses: {@code .name}, {@code ['name']},
 * {@code [n]} (negative from the end), {@code [*]}, {@code .*}, {@code ['a','b']}, {@code [0,2]},
 * {@code [start:end:step]}, {@code ..} (deep scan), filters {@code [?(...)]} and a final {@code
 * .length()}.
 */
public final class JsonPath {
  private final String text;
  private final boolean context;
  private final String variable;
  private final CompiledPath path;

  private JsonPath(String text, boolean context, String variable, CompiledPath path) {
    this.text = text;
    this.context = context;
    this.variable = variable;
    this.path = path;
  }

  /**
   * Parses a path.
   *
   * @throws InvalidPathException when the text is not a valid path
   */
  public static JsonPath parse(String text) {
    PathParser.Parsed parsed = PathParser.parse(text);
    return new JsonPath(text, parsed.context(), parsed.variable(), parsed.path());
  }

  /** The path as written. */
  public String text() {
    return text;
  }

  /** True when the path starts with {@code $$} (the context object). */
  public boolean isContextPath() {
    return context;
  }

  /**
   * The variable the path starts at, without its {@code $} ({@code "x"} for {@code $x.a}), or null
   * when it starts at {@code $} or {@code $$}. It is resolved in the evaluation context's {@link
   * Variables}.
   */
  public String variable() {
    return variable;
  }

  /**
   * True for a reference path: only member names and single array indices, so it designates at most
   * one node (required for ResultPath and some fields).
   */
  public boolean isDefinite() {
    return path.reference();
  }

  CompiledPath compiled() {
    return path;
  }

  /**
   * Reads the value the path designates in {@code $} or {@code $$} of the context. The value is
   * shared with the document, not copied: treat it as read-only.
   *
   * @return the value; for an indefinite path an array of every match (possibly empty); null when a
   *     definite path designates nothing. As in Jayway, {@code ['a','b']} at the end is definite
   *     and yields one object with the members that exist, and {@code .length()} yields the length
   *     of what the path before it selected (null when that is not an array or object).
   */
  public JsonNode read(EvaluationContext context) {
    JsonNode root = rootOf(context);
    return path.read(root, root);
  }

  /**
   * Evaluates the path's steps (everything after {@code $}, {@code $$} or {@code $name}) from
   * {@code root}, with the same results as {@link #read}.
   */
  public JsonNode readFrom(JsonNode root) {
    return path.read(root, root);
  }

  /**
   * Reads the value for a named field of a state, failing the way Step Functions does when nothing
   * is there. An indefinite path never fails: it yields an empty array.
   *
   * @param field the field being evaluated, e.g. {@code InputPath}, {@code ItemsPath}, {@code
   *     value.$}
   * @throws dev.cairn.engine.error.StatesException {@code States.Runtime} with Step Functions'
   *     message for that field when the path designates nothing
   */
  public JsonNode select(EvaluationContext context, String field) {
    JsonNode root = rootOf(context);
    JsonNode value = path.read(root, root);
    if (value != null) {
      return value;
    }
    throw StatesException.runtime(notFoundMessage(context, field));
  }

  /**
   * Step Functions reports InputPath and OutputPath with Jayway's own exception text; every other
   * field (template values, ErrorPath, CausePath, ItemsPath, ...) with the input it searched.
   */
  private String notFoundMessage(EvaluationContext context, String field) {
    if ("InputPath".equals(field) || "OutputPath".equals(field)) {
      return "Invalid path '" + text + "' : " + path.describeMiss(rootOf(context));
    }
    return "The JSONPath '"
        + text
        + "' specified for the field '"
        + field
        + "' could not be found in the input '"
        + (context.input() == null ? "null" : Json.write(context.input()))
        + "'";
  }

  private JsonNode rootOf(EvaluationContext evaluationContext) {
    if (variable != null) {
      JsonNode value = evaluationContext.variables().get(variable);
      if (value == null) {
        throw StatesException.runtime(
            "The JSONPath '"
                + text
                + "' references the variable '$"
                + variable
                + "', which has no value here: no state of this scope or of an outer one assigned"
                + " it before");
      }
      return value;
    }
    return context ? evaluationContext.context() : evaluationContext.input();
  }

  @Override
  public String toString() {
    return text;
  }
}
