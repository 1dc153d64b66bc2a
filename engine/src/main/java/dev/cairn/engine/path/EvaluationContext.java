package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What paths, templates, intrinsic functions, choice rules and JSONata expressions are evaluated
 * against.
 *
 * @param input the value {@code $} refers to in JSONPath ({@code $states.input} in JSONata is in
 *     {@code states})
 * @param context the context object {@code $$} refers to
 * @param variables the state machine variables ({@code $name}) as they were on state entry
 * @param states the value of JSONata's {@code $states} ({@code input}, {@code context}, {@code
 *     result}, {@code errorOutput}), or null in JSONPath states
 * @param seed what JSONata's {@code $random} and {@code $uuid} derive their values from, so that a
 *     replay evaluates the same values
 */
public record EvaluationContext(
    JsonNode input, JsonNode context, Variables variables, JsonNode states, long seed) {
  public EvaluationContext {
    variables = variables == null ? Variables.NONE : variables;
  }

  /** A JSONPath context without variables. */
  public EvaluationContext(JsonNode input, JsonNode context) {
    this(input, context, Variables.NONE, null, 0);
  }

  /** The same context with another {@code $}. */
  public EvaluationContext withInput(JsonNode newInput) {
    return new EvaluationContext(newInput, context, variables, states, seed);
  }
}
