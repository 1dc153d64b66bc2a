package dev.cairn.pipeline.port;

import java.util.Locale;

/**
 * One thing that happened in a run, as the runtime tells its {@link PipelineListener}s: the CLI's
 * narration, the dashboard, status messages (commit statuses; SQS on AWS).
 *
 * @param run the run
 * @param kind what happened
 * @param environment the environment, or null for the run's build
 * @param message for people: one line (build and release output lines are one line each), secrets
 *     masked
 */
public record RunEvent(String run, Kind kind, String environment, String message) {

  /** What happened. */
  public enum Kind {
    /** The run started. */
    RUN_STARTED,
    /** A line of build output. */
    BUILD_OUTPUT,
    /** The commit's tree was built before: its artifact is reused. */
    BUILD_REUSED,
    /** The build produced its artifact. */
    BUILD_SUCCEEDED,
    /** The pipeline file was invalid or a build step failed. */
    BUILD_FAILED,
    /** The run waits for the environment's deploy slot (its queue wait starts). */
    QUEUED,
    /** The deployment to an environment started (its plan). */
    DEPLOY_STARTED,
    /** The environment's migration started. */
    MIGRATE_STARTED,
    /** A line of migration output. */
    MIGRATE_OUTPUT,
    /** The environment's migration ended (the message says how). */
    MIGRATED,
    /** Traffic now goes to the new release; the bake starts. */
    SWITCHED,
    /** The release passed its bake: the environment's last good release. */
    DEPLOYED,
    /** The release failed and the environment went back to its last good release. */
    ROLLED_BACK,
    /** A newer commit deploys instead. */
    SUPERSEDED,
    /** The commit is marked bad in the environment. */
    SKIPPED,
    /** A revert commit was pushed for the rolled-back commit. */
    REVERTED,
    /** The revert policy could not push its commit. */
    REVERT_FAILED,
    /** A record of the audit trail could not be stored. */
    AUDIT_FAILED,
    /** The run ended (the message is the execution's status). */
    RUN_ENDED,
    /** An environment's state was rebuilt from the audit trail (run {@code -}). */
    RECOVERED,
    /**
     * Outside a deployment, the live release exited or stopped answering and was started again (run
     * {@code -}).
     */
    RELEASE_RESTARTED,
    /**
     * Outside a deployment, the live release's first process was gone but what it started still ran
     * and answered its health check: Cairn took those processes over instead of restarting the
     * release (run {@code -}).
     */
    RELEASE_ADOPTED,
    /**
     * An environment's proxy process was gone and was started again on its port (run {@code -}).
     */
    PROXY_RESTARTED,
    /** A PostgreSQL or Redis service was not running and was started again (run {@code -}). */
    SERVICE_RESTARTED,
    /** Cairn could not do something outside any run's steps (run {@code -} when no run). */
    ERROR;

    /** The stable lower-case word, e.g. {@code build-output}: shown by the CLI and the API. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True for output lines (many per run), as opposed to milestones. */
    public boolean output() {
      return this == BUILD_OUTPUT || this == MIGRATE_OUTPUT;
    }
  }
}
