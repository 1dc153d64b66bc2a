package dev.cairn.engine.expression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.path.EvaluationContext;

/**
 * The value of a field that is computed when the state runs: a JSONata template ({@code {% %}}
 * strings anywhere in a JSON value) or a JSONPath payload template ({@code .$} keys). Parsed once
 * with the definition; thread-safe.
 */
public interface Expression {
  /**
   * Computes the value.
   *
   * @throws dev.cairn.engine.error.StatesException with the error Step Functions raises for the
   *     field ({@code States.QueryEvaluationError} for JSONata, {@code States.Runtime} or {@code
   *     States.IntrinsicFailure} for JSONPath)
   */
  JsonNode evaluate(EvaluationContext context);

  /** The field as written in the definition. */
  JsonNode source();
}
