package dev.cairn.pipeline.runtime;

import java.util.Optional;

/**
 * Cairn's error names, as the state machine sees them (the {@code Error} of a task failure), each
 * with how the pipeline reacts to it. One list for every driver: the compiled machine's Retry and
 * Catch, the local handlers, the AWS runner and functions, the audit records and the API all use
 * these names.
 */
public enum CairnError {
  /** Something outside the commit failed for now (network, a lost container): retried. */
  TRANSIENT("Cairn.Transient", Reaction.RETRIED),
  /** A newer commit deploys instead: recorded as superseded, the run goes on to its end. */
  SUPERSEDED("Cairn.Superseded", Reaction.SKIPS_ENVIRONMENT),
  /** The commit is marked bad in the environment: recorded as skipped. */
  SKIPPED("Cairn.Skipped", Reaction.SKIPS_ENVIRONMENT),
  /** The deploy queue itself failed: nothing was decided about the commit; the run fails. */
  QUEUE_FAILED("Cairn.QueueFailed", Reaction.FAILS_RUN),
  /** The pipeline file is invalid (its problems in the cause, file:line:column each). */
  INVALID_PIPELINE("Cairn.InvalidPipeline", Reaction.FAILS_RUN),
  /** A build step failed, or the build produced no artifact. */
  BUILD_FAILED("Cairn.BuildFailed", Reaction.FAILS_RUN),
  /** The artifact could not be stored or unpacked. */
  ARTIFACT_FAILED("Cairn.ArtifactFailed", Reaction.FAILS_RUN),
  /** A secret the pipeline names is not set. */
  MISSING_SECRET("Cairn.MissingSecret", Reaction.FAILS_RUN),
  /** The migration failed: nothing was switched; the environment rolls back. */
  MIGRATION_FAILED("Cairn.MigrationFailed", Reaction.ROLLS_BACK),
  /** The new release did not pass its health check before the switch. */
  UNHEALTHY("Cairn.Unhealthy", Reaction.ROLLS_BACK),
  /** The release failed its health checks during the bake. */
  VERIFY_FAILED("Cairn.VerifyFailed", Reaction.ROLLS_BACK),
  /** The deployment target (a CloudFormation stack) did not take the release. */
  DEPLOY_FAILED("Cairn.DeployFailed", Reaction.ROLLS_BACK),
  /** The last good release could not be brought back: retried, then a person is needed. */
  ROLLBACK_FAILED("Cairn.RollbackFailed", Reaction.FAILS_RUN),
  /** The release failed and was rolled back (the run's final error). */
  ROLLED_BACK("Cairn.RolledBack", Reaction.FAILS_RUN),
  /** A job was asked for that Cairn does not know, or without what it needs: a bug. */
  INVALID_JOB("Cairn.InvalidJob", Reaction.FAILS_RUN),
  /** A steps job (AWS runner) failed. */
  STEP_FAILED("Cairn.StepFailed", Reaction.FAILS_RUN),
  /** The application's source could not be fetched and will not be by retrying. */
  SOURCE_UNAVAILABLE("Cairn.SourceUnavailable", Reaction.FAILS_RUN),
  /** An AWS call failed and will not succeed by retrying. */
  AWS_FAILED("Cairn.AwsFailed", Reaction.FAILS_RUN),
  /** The target cannot do what was asked (e.g. destroy a stack environment). */
  NOT_SUPPORTED("Cairn.NotSupported", Reaction.FAILS_RUN);

  /** How the pipeline reacts to an error. */
  public enum Reaction {
    /** The state retries it (Retry on the task). */
    RETRIED,
    /** The environment is skipped and the skip recorded; the run ends normally. */
    SKIPS_ENVIRONMENT,
    /** The environment is rolled back to its last good release and the commit marked bad. */
    ROLLS_BACK,
    /** The run fails. */
    FAILS_RUN
  }

  private final String errorName;
  private final Reaction reaction;

  CairnError(String errorName, Reaction reaction) {
    this.errorName = errorName;
    this.reaction = reaction;
  }

  /** The error name the state machine sees, e.g. {@code Cairn.BuildFailed}. */
  public String errorName() {
    return errorName;
  }

  /** How the pipeline reacts. */
  public Reaction reaction() {
    return reaction;
  }

  /** The error of an error name, if it is one of Cairn's. */
  public static Optional<CairnError> of(String errorName) {
    for (CairnError error : values()) {
      if (error.errorName.equals(errorName)) {
        return Optional.of(error);
      }
    }
    return Optional.empty();
  }
}
