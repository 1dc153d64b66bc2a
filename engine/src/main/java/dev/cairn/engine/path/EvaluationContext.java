package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What paths, templates, intrinsic functions and choice rules are evaluated against: {@code $} is
 * the state's (effective) input and {@code $$} the context object. The seam for JSONata and
 * variables: they will add {@code $states} and the variable scope here.
 *
 * @param input the value {@code $} refers to
 * @param context the context object {@code $$} refers to
 */
public record EvaluationContext(JsonNode input, JsonNode context) {
  /** The same context with another {@code $}. */
  public EvaluationContext withInput(JsonNode newInput) {
    return new EvaluationContext(newInput, context);
  }
}
