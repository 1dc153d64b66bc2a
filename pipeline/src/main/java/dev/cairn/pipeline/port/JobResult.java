package dev.cairn.pipeline.port;

import java.nio.file.Path;

/**
 * How a job ended.
 *
 * @param outcome SUCCEEDED, FAILED or TIMED_OUT
 * @param failedStep the step that failed or timed out, or null
 * @param exitCode the failed step's exit code (0 when succeeded, -1 when timed out)
 * @param log the file holding the whole (masked) output
 * @param message a one-line summary for people, e.g. "step 'compile' exited with 1"
 */
public record JobResult(
    Outcome outcome, String failedStep, int exitCode, Path log, String message) {
  /** How a job ended. */
  public enum Outcome {
    SUCCEEDED,
    FAILED,
    TIMED_OUT
  }
}
