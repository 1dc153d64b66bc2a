package dev.cairn.engine.choice;

import dev.cairn.engine.path.EvaluationContext;

/**
 * A Choice state's rule or one of its nested boolean expressions ({@code And}, {@code Or}, {@code
 * Not}, or a data-test comparison such as {@code NumericGreaterThanPath}). Parsed once; matching is
 * thread-safe.
 */
public interface ChoiceRule {
  /**
   * Evaluates the rule against the Choice state's effective input.
   *
   * @throws dev.cairn.engine.error.StatesException {@code States.Runtime} where Step Functions
   *     fails the execution (e.g. a {@code *Path} comparison whose path designates nothing)
   */
  boolean matches(EvaluationContext context);
}
