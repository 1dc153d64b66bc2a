package dev.cairn.aws.runner;

import dev.cairn.pipeline.file.EnvironmentNames;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One job for the runner: what the state machine's Batch task asks for.
 *
 * @param kind the job
 * @param run the run's id (the execution's {@code run.id})
 * @param environment the environment, or null for a build
 * @param commit the commit, or null to take it from the run's facts in S3
 * @param reason for a rollback: the error that caused it (JSON text), or null
 */
public record RunnerJob(
    JobKind kind, String run, String environment, String commit, String reason) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  /**
   * Checks the fields: they become S3 keys and directory names.
   *
   * @throws IllegalArgumentException naming the bad field
   */
  public RunnerJob {
    Objects.requireNonNull(kind, "kind");
    if (run == null || !NAME.matcher(run).matches()) {
      throw new IllegalArgumentException("--run must be a run id (letters, digits, . _ -)");
    }
    if (environment != null && environment.isBlank()) {
      environment = null;
    }
    if (environment != null && !EnvironmentNames.isValid(environment)) {
      throw new IllegalArgumentException("--environment is not an environment name");
    }
    if (kind.needsEnvironment() && environment == null) {
      throw new IllegalArgumentException(kind.wireName() + " needs --environment");
    }
    if (commit != null && commit.isBlank()) {
      commit = null;
    }
    if (commit != null && !COMMIT.matcher(commit).matches()) {
      throw new IllegalArgumentException("--commit must be a full commit id");
    }
    if (reason != null && reason.isBlank()) {
      reason = null;
    }
  }

  /** The name of this job's files in S3 and in the work directory: {@code apply-production}. */
  public String fileName() {
    return environment == null ? kind.wireName() : kind.wireName() + "-" + environment;
  }
}
