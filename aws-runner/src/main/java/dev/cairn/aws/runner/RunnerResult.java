package dev.cairn.aws.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;

/**
 * How a job ended: written as JSON to {@code runs/<run>/results/<job>.json} in the bucket (the
 * state machine's next states and people read it there) and printed as the runner's last output
 * line.
 *
 * @param job the job's file name, e.g. {@code apply-production}
 * @param run the run
 * @param outcome how it ended
 * @param error the ASL error name of a failure (e.g. {@code Cairn.BuildFailed}), or null
 * @param cause one line for people (secrets masked), or null
 * @param artifact the artifact the job built or deployed, or null
 * @param log the S3 URI of the job's log, or null
 */
public record RunnerResult(
    String job,
    String run,
    Outcome outcome,
    String error,
    String cause,
    String artifact,
    String log) {

  /** How a job ended; each has the runner's exit code (see docs/cli.md). */
  public enum Outcome {
    /** The job did what it was asked: exit 0, the Batch job SUCCEEDED. */
    SUCCEEDED(0),
    /**
     * The job failed because of the commit or the release (build failed, unhealthy): exit 1, the
     * Batch job FAILED, the state machine's Catch takes over (rollback). Not retried.
     */
    FAILED(1),
    /**
     * Cairn could not do the job for now (S3, Secrets Manager or the git host unreachable): exit 3,
     * which the job definition's retry strategy retries.
     */
    RETRYABLE(3);

    private final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The runner's exit code. */
    public int exitCode() {
      return exitCode;
    }
  }

  /** Exit code for a bad command line or configuration: a person must fix it. */
  public static final int EXIT_USAGE = 2;

  /** A success. */
  public static RunnerResult succeeded(RunnerJob job, String artifact, String log) {
    return new RunnerResult(
        job.fileName(), job.run(), Outcome.SUCCEEDED, null, null, artifact, log);
  }

  /** The JSON form. */
  public ObjectNode toJsonNode() {
    ObjectNode o = Json.object();
    o.put("job", job);
    o.put("run", run);
    o.put("status", outcome == Outcome.SUCCEEDED ? "SUCCEEDED" : "FAILED");
    if (error != null) {
      o.put("error", error);
    }
    if (cause != null) {
      o.put("cause", cause);
    }
    if (artifact != null) {
      o.put("artifact", artifact);
    }
    if (log != null) {
      o.put("log", log);
    }
    return o;
  }
}
