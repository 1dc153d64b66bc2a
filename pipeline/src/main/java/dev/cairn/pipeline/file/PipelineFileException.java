package dev.cairn.pipeline.file;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline file is invalid. It holds every problem found, in file order; a person must fix the
 * file (retrying does not help). The message is the problems, one {@code file:line:column: message}
 * per line.
 */
public final class PipelineFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<PipelineProblem> problems;

  /**
   * Creates the exception.
   *
   * @param problems at least one problem
   */
  public PipelineFileException(List<PipelineProblem> problems) {
    super(problems.stream().map(PipelineProblem::toString).collect(Collectors.joining("\n")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PipelineFileException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, ordered by line and column. */
  public List<PipelineProblem> problems() {
    return problems;
  }
}
