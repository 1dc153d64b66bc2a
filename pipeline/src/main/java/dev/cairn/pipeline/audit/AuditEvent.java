package dev.cairn.pipeline.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What an audit record reports. Each constant has a stable wire name used in JSON and trailers. */
public enum AuditEvent {
  /** A run began for a commit. */
  RUN_STARTED("run-started"),
  /** The commit's build produced an artifact. */
  BUILD_SUCCEEDED("build-succeeded"),
  /** The commit's build failed; nothing was deployed. */
  BUILD_FAILED("build-failed"),
  /** A deployment of the commit to an environment began. */
  DEPLOYMENT_STARTED("deployment-started"),
  /** The commit is deployed, verified, and the environment's last good release. */
  DEPLOYED("deployed"),
  /** A deployment failed (apply or verify). */
  DEPLOYMENT_FAILED("deployment-failed"),
  /** Traffic went back from the commit to {@code rolledBackTo}. */
  ROLLED_BACK("rolled-back"),
  /** The commit was skipped because a newer one ({@code supersededBy}) was deployed instead. */
  SUPERSEDED("superseded"),
  /** The commit will not be deployed again automatically to the environment. */
  MARKED_BAD("marked-bad"),
  /** A run of the commit did not deploy it to the environment because it is marked bad there. */
  SKIPPED_BAD("skipped-bad"),
  /**
   * After an automatic rollback, a commit reverting the commit ({@code revertCommit}) was pushed to
   * {@code revertBranch}.
   */
  REVERTED("reverted"),
  /** A person did something by hand ({@code action}, by the trigger's actor). */
  MANUAL_ACTION("manual-action"),
  /** A person approved the commit for the environment. */
  APPROVED("approved"),
  /**
   * Outside any deployment, the environment's live release exited or stopped answering its health
   * check ({@code error} says which) and Cairn started it again from its stored artifact.
   */
  RELEASE_RESTARTED("release-restarted");

  private final String wireName;

  AuditEvent(String wireName) {
    this.wireName = wireName;
  }

  /** The stable name in JSON and in the {@code Cairn-Event} trailer, e.g. {@code deployed}. */
  public String wireName() {
    return wireName;
  }

  /**
   * The event with this wire name.
   *
   * @return empty for a name this version of Cairn does not know
   */
  public static Optional<AuditEvent> fromWireName(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(e -> e.wireName.equals(n)).findFirst();
  }
}
