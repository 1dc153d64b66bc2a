package dev.cairn.engine.path;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Supplier;

/**
 * What paths, templates, intrinsic functions, choice rules and JSONata expressions are evaluated
 * against: the value {@code $} refers to in JSONPath ({@code $states.input} in JSONata is in {@link
 * #states}), the context object {@code $$}, the state machine variables ({@code $name}) as they
 * were on state entry, JSONata's {@code $states} and the seed of {@code $random} and {@code $uuid}.
 *
 * <p>The context object may be given as a supplier, called the first time something reads it:
 * building it costs more than running most states, and most states never read it.
 */
public final class EvaluationContext {
  private final JsonNode input;
  private JsonNode context;
  private Supplier<? extends JsonNode> contextSource;
  private final Variables variables;
  private final JsonNode states;
  private final long seed;

  /**
   * @param input the value {@code $} refers to in JSONPath ({@code $states.input} in JSONata is in
   *     {@code states})
   * @param context the context object {@code $$} refers to
   * @param variables the state machine variables ({@code $name}) as they were on state entry
   * @param states the value of JSONata's {@code $states} ({@code input}, {@code context}, {@code
   *     result}, {@code errorOutput}), or null in JSONPath states
   * @param seed what JSONata's {@code $random} and {@code $uuid} derive their values from, so that
   *     a replay evaluates the same values
   */
  public EvaluationContext(
      JsonNode input, JsonNode context, Variables variables, JsonNode states, long seed) {
    this(input, context, null, variables, states, seed);
  }

  /** A JSONPath context without variables. */
  public EvaluationContext(JsonNode input, JsonNode context) {
    this(input, context, null, Variables.NONE, null, 0);
  }

  private EvaluationContext(
      JsonNode input,
      JsonNode context,
      Supplier<? extends JsonNode> contextSource,
      Variables variables,
      JsonNode states,
      long seed) {
    this.input = input;
    this.context = context;
    this.contextSource = contextSource;
    this.variables = variables == null ? Variables.NONE : variables;
    this.states = states;
    this.seed = seed;
  }

  /**
   * A JSONPath context whose context object is built by {@code context} when first read.
   *
   * @param context called at most once per evaluation context (and should itself cache, since
   *     {@link #withInput} copies share it)
   */
  public static EvaluationContext lazy(
      JsonNode input, Supplier<? extends JsonNode> context, Variables variables) {
    return new EvaluationContext(input, null, context, variables, null, 0);
  }

  /** The value {@code $} refers to in JSONPath. */
  public JsonNode input() {
    return input;
  }

  /** The context object {@code $$} refers to. */
  public JsonNode context() {
    if (contextSource != null) {
      context = contextSource.get();
      contextSource = null;
    }
    return context;
  }

  /** The state machine variables as they were on state entry. */
  public Variables variables() {
    return variables;
  }

  /** JSONata's {@code $states}, or null in JSONPath states. */
  public JsonNode states() {
    return states;
  }

  /** What JSONata's {@code $random} and {@code $uuid} derive their values from. */
  public long seed() {
    return seed;
  }

  /** The same context with another {@code $}. */
  public EvaluationContext withInput(JsonNode newInput) {
    return new EvaluationContext(newInput, context, contextSource, variables, states, seed);
  }
}
