package dev.cairn.engine.definition;

import java.util.List;
import java.util.stream.Collectors;

/** A state machine definition that breaks one or more rules of the Amazon States Language. */
public class InvalidDefinitionException extends RuntimeException {
  private final List<ValidationProblem> problems;

  /**
   * @param problems every problem found, in document order; never empty
   */
  public InvalidDefinitionException(List<ValidationProblem> problems) {
    super(
        problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in the state machine definition:\n"
            + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in document order. */
  public List<ValidationProblem> problems() {
    return problems;
  }
}
