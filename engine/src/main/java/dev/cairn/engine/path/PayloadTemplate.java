package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A payload template (Parameters, ResultSelector, ItemSelector, legacy Map Parameters): a JSON
 * value whose object keys ending in {@code .$} are replaced, without the suffix, by the value of
 * their {@link ValueExpression}. Nested objects and arrays are templates too.
 */
public final class PayloadTemplate {
  // STUB: implemented by the paths work.
  private final JsonNode template;

  private PayloadTemplate(JsonNode template) {
    this.template = template;
  }

  /**
   * Compiles a template, parsing every dynamic value once.
   *
   * @throws InvalidPathException naming the key (e.g. {@code 'value.$'}) whose value is not a valid
   *     path or call, or whose value is not a string
   */
  public static PayloadTemplate compile(JsonNode template) {
    return new PayloadTemplate(template);
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
    throw new UnsupportedOperationException("stub");
  }
}
