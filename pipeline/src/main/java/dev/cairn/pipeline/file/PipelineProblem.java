package dev.cairn.pipeline.file;

/**
 * One thing wrong with a pipeline file, at an exact place.
 *
 * @param file the file's name as the caller gave it, e.g. {@code cairn.yml}
 * @param line the line, counted from 1
 * @param column the column, counted from 1 (in Unicode code points)
 * @param message what is wrong, for a person to read
 */
public record PipelineProblem(String file, int line, int column, String message) {
  /** The problem as {@code file:line:column: message}, the form compilers use. */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
