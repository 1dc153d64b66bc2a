package dev.cairn.pipeline.audit;

import static dev.cairn.pipeline.audit.AuditFields.objectId;
import static dev.cairn.pipeline.audit.AuditFields.oneLine;
import static dev.cairn.pipeline.audit.AuditFields.refName;
import static dev.cairn.pipeline.audit.AuditFields.require;

import java.time.Duration;
import java.time.Instant;

/**
 * What one kind of audit event says beyond the common header of {@link AuditRecord}: one record
 * type per {@link AuditEvent}, holding only the fields that event carries. Every field is optional
 * (null when not known), as in the JSON form, where absent fields are left out.
 *
 * <p>The small interfaces below name what several events share (a step's timing, an artifact, an
 * error, the release before), so that code can ask for a fact without listing the events.
 */
public sealed interface AuditDetails {

  /** The event these details describe. */
  AuditEvent event();

  /** A step with a start and a duration. */
  interface Timed {
    /** When the step began, or null. */
    Instant startedAt();

    /** How long it took, or null. */
    Duration duration();
  }

  /** Concerns a built artifact. */
  interface WithArtifact {
    /** The artifact digest ({@code sha256:<hex>}), or null. */
    String artifact();
  }

  /** Says why something failed or was skipped. */
  interface WithError {
    /** Why, or null. */
    AuditError error();
  }

  /** Names the release an environment ran before. */
  interface WithPreviousRelease {
    /** The commit the environment ran before, or null. */
    String previousRelease();
  }

  /**
   * A run began for the commit.
   *
   * @param isolation {@code none} when the run's builds, migrations and releases run as plain
   *     processes without a sandbox ({@code cairn serve --insecure-no-sandbox}); null when they run
   *     sandboxed or the driver does not say (AWS, whose jobs run in their own containers)
   */
  record RunStarted(String isolation) implements AuditDetails {
    /** Checks and normalises the fields. */
    public RunStarted {
      isolation = oneLine(isolation);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.RUN_STARTED;
    }
  }

  /** The build produced {@code artifact}. */
  record BuildSucceeded(Instant startedAt, Duration duration, String artifact)
      implements AuditDetails, Timed, WithArtifact {
    /** Checks and normalises the fields. */
    public BuildSucceeded {
      checkDuration(duration);
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.BUILD_SUCCEEDED;
    }
  }

  /** The build failed with {@code error}; {@code artifact} only when an earlier build made one. */
  record BuildFailed(Instant startedAt, Duration duration, AuditError error, String artifact)
      implements AuditDetails, Timed, WithError, WithArtifact {
    /** Checks and normalises the fields. */
    public BuildFailed {
      checkDuration(duration);
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.BUILD_FAILED;
    }
  }

  /** A deployment of {@code artifact} began, replacing {@code previousRelease}. */
  record DeploymentStarted(String previousRelease, String artifact)
      implements AuditDetails, WithPreviousRelease, WithArtifact {
    /** Checks and normalises the fields. */
    public DeploymentStarted {
      objectId("previousRelease", previousRelease);
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.DEPLOYMENT_STARTED;
    }
  }

  /**
   * Deployed and verified: now the environment's last good release.
   *
   * @param releaseTag the tag delivery creates on the commit, e.g. {@code
   *     cairn/production/20261126-045637}, or null
   */
  record Deployed(
      Instant startedAt,
      Duration duration,
      String previousRelease,
      String artifact,
      String releaseTag)
      implements AuditDetails, Timed, WithPreviousRelease, WithArtifact {
    /** Checks and normalises the fields. */
    public Deployed {
      checkDuration(duration);
      objectId("previousRelease", previousRelease);
      artifact = oneLine(artifact);
      refName("releaseTag", releaseTag);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.DEPLOYED;
    }
  }

  /** A deployment (apply or verify) failed with {@code error}. */
  record DeploymentFailed(
      Instant startedAt,
      Duration duration,
      AuditError error,
      String previousRelease,
      String artifact)
      implements AuditDetails, Timed, WithError, WithPreviousRelease, WithArtifact {
    /** Checks and normalises the fields. */
    public DeploymentFailed {
      checkDuration(duration);
      objectId("previousRelease", previousRelease);
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.DEPLOYMENT_FAILED;
    }
  }

  /**
   * Traffic went back from the record's commit (of {@code artifact}) to {@code rolledBackTo},
   * because of {@code error}.
   */
  record RolledBack(String rolledBackTo, AuditError error, String artifact)
      implements AuditDetails, WithError, WithArtifact {
    /** Checks and normalises the fields. */
    public RolledBack {
      objectId("rolledBackTo", rolledBackTo);
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.ROLLED_BACK;
    }
  }

  /** Skipped: {@code supersededBy} was deployed instead. */
  record Superseded(String supersededBy, AuditError error, String artifact)
      implements AuditDetails, WithError, WithArtifact {
    /** Checks and normalises the fields. */
    public Superseded {
      objectId("supersededBy", supersededBy);
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.SUPERSEDED;
    }
  }

  /** The commit will not be deployed again automatically, because of {@code error}. */
  record MarkedBad(AuditError error) implements AuditDetails, WithError {
    @Override
    public AuditEvent event() {
      return AuditEvent.MARKED_BAD;
    }
  }

  /** A run did not deploy the commit because it is marked bad. */
  record SkippedBad(AuditError error, String artifact)
      implements AuditDetails, WithError, WithArtifact {
    /** Checks and normalises the fields. */
    public SkippedBad {
      artifact = oneLine(artifact);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.SKIPPED_BAD;
    }
  }

  /** After an automatic rollback, {@code revertCommit} was pushed to {@code revertBranch}. */
  record Reverted(String revertCommit, String revertBranch) implements AuditDetails {
    /** Checks the fields. */
    public Reverted {
      objectId("revertCommit", revertCommit);
      refName("revertBranch", revertBranch);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.REVERTED;
    }
  }

  /**
   * A person did {@code action} by hand (who is the trigger's actor); for a rollback, the commit
   * running again is {@code rolledBackTo}.
   *
   * @param allowUnmerged true when the person allowed a commit that is not on the watched branch
   *     ({@code --allow-unmerged}); whether it was is not checked here
   */
  record ManualAction(String action, String rolledBackTo, boolean allowUnmerged)
      implements AuditDetails {
    /** Checks and normalises the fields. */
    public ManualAction {
      action = oneLine(action);
      objectId("rolledBackTo", rolledBackTo);
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.MANUAL_ACTION;
    }
  }

  /** A person approved the commit for the environment. */
  record Approved() implements AuditDetails {
    @Override
    public AuditEvent event() {
      return AuditEvent.APPROVED;
    }
  }

  /**
   * The live release (of {@code artifact}) failed outside a deployment because of {@code error} and
   * was started again from its artifact; {@code restarts} counts the restarts of this release
   * within the environment's {@code rollback.restart-window}, this one included.
   */
  record ReleaseRestarted(AuditError error, String artifact, Integer restarts)
      implements AuditDetails, WithError, WithArtifact {
    /** Checks and normalises the fields. */
    public ReleaseRestarted {
      artifact = oneLine(artifact);
      if (restarts != null) {
        require(restarts > 0, "restarts must be at least 1");
      }
    }

    @Override
    public AuditEvent event() {
      return AuditEvent.RELEASE_RESTARTED;
    }
  }

  private static void checkDuration(Duration duration) {
    if (duration != null) {
      require(!duration.isNegative(), "duration must not be negative");
    }
  }
}
