package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A JSONPath expression as Step Functions accepts it in InputPath, OutputPath, ItemsPath, the
 * {@code *Path} fields and {@code .$} template values. {@code $} starts at the state input, {@code
 * $$} at the context object. Parsed once when the definition is loaded; evaluation is thread-safe.
 */
public final class JsonPath {
  // STUB: implemented by the paths work.
  private final String text;

  private JsonPath(String text) {
    this.text = text;
  }

  /**
   * Parses a path.
   *
   * @throws InvalidPathException when the text is not a valid path
   */
  public static JsonPath parse(String text) {
    return new JsonPath(text);
  }

  /** The path as written. */
  public String text() {
    return text;
  }

  /** True when the path starts with {@code $$} (the context object). */
  public boolean isContextPath() {
    return text.startsWith("$$");
  }

  /**
   * True for a reference path: only member names and single array indices, so it designates at most
   * one node (required for ResultPath and some fields).
   */
  public boolean isDefinite() {
    throw new UnsupportedOperationException("stub");
  }

  /**
   * Reads the value the path designates in {@code $} or {@code $$} of the context.
   *
   * @return the value; for an indefinite path an array of every match (possibly empty); null when a
   *     definite path designates nothing
   */
  public JsonNode read(EvaluationContext context) {
    throw new UnsupportedOperationException("stub");
  }

  /**
   * Reads the value for a named field of a state, failing the way Step Functions does when nothing
   * is there.
   *
   * @param field the field being evaluated, e.g. {@code InputPath}, {@code ItemsPath}, {@code
   *     value.$}
   * @throws dev.cairn.engine.error.StatesException {@code States.Runtime} with Step Functions'
   *     message for that field when the path designates nothing
   */
  public JsonNode select(EvaluationContext context, String field) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public String toString() {
    return text;
  }
}
