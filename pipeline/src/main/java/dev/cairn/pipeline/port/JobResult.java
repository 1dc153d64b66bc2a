package dev.cairn.pipeline.port;

import java.nio.file.Path;

/**
 * How a job ended.
 *
 * @param outcome SUCCEEDED, FAILED, TIMED_OUT or KILLED
 * @param failedStep the step that failed, timed out or was killed, or null
 * @param exitCode the failed step's exit code (0 when succeeded, -1 when timed out, 128 + the
 *     signal when killed)
 * @param log the file holding the whole (masked) output
 * @param message a one-line summary for people, e.g. "step 'compile' exited with 1"
 */
public record JobResult(
    Outcome outcome, String failedStep, int exitCode, Path log, String message) {
  /** How a job ended. */
  public enum Outcome {
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    /**
     * A step's process was killed by a signal Cairn did not send (not a cancel, not a time limit,
     * not the step's own memory limit): the OOM killer, an operator, a host shutting down. Not the
     * commit's fault, so the runtime retries it as an infrastructure failure.
     */
    KILLED
  }

  /** The signal that killed the job's step when {@link Outcome#KILLED}, else 0. */
  public int signal() {
    return outcome == Outcome.KILLED && exitCode > 128 ? exitCode - 128 : 0;
  }
}
