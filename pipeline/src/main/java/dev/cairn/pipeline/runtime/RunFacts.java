package dev.cairn.pipeline.runtime;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What a run's steps tell each other: the commit and how it was asked for, the pipeline file it was
 * validated with, the artifact it built and, per environment, what its deployment did. Kept by a
 * {@link RunStore}: locally in {@code CAIRN_HOME/runs/<run>/run.json}, on AWS in the artifact
 * bucket, because there each step runs in its own short-lived container. Immutable: changes make a
 * copy.
 *
 * @param id the run id
 * @param commit the application commit
 * @param tree its git tree, or null
 * @param message its subject line, or null
 * @param trigger what asked for the run
 * @param actor who asked for it, or null
 * @param repository the repository it belongs to (AWS serves several from one bucket), or null
 * @param onlyEnvironment the one environment a manual run deploys to, or null for all
 * @param sequence the run's number: newer runs have higher numbers (the deploy queue's order)
 * @param submittedAt when the run was asked for
 * @param pipelineFile the text of the commit's pipeline file, once validated
 * @param buildStartedAt when its build started, or null
 * @param artifact the artifact digest, once built or reused
 * @param outcome the run's final outcome before any environment (e.g. {@code build-failed}), or
 *     null
 * @param deployments what happened in each environment, by name
 */
public record RunFacts(
    String id,
    String commit,
    String tree,
    String message,
    Trigger trigger,
    String actor,
    String repository,
    String onlyEnvironment,
    long sequence,
    Instant submittedAt,
    String pipelineFile,
    Instant buildStartedAt,
    String artifact,
    String outcome,
    Failure buildFailure,
    Map<String, Deployment> deployments) {

  /**
   * Why a step failed, as the state machine names it.
   *
   * @param error the error name, e.g. {@code Cairn.BuildFailed}
   * @param cause for people, secrets masked
   */
  public record Failure(String error, String cause) {}

  /** What asked for a run. */
  public enum Trigger {
    /** A push reported by a hook or webhook. */
    PUSH,
    /** A commit found by polling the remote. */
    POLL,
    /** A person (deploy or rollback by hand): deployed even when marked bad or older. */
    MANUAL;

    /** The lower-case word written into run facts and records. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The trigger of a wire name; unknown names are pushes. */
    public static Trigger of(String wireName) {
      for (Trigger trigger : values()) {
        if (trigger.wireName().equals(wireName)) {
          return trigger;
        }
      }
      return PUSH;
    }
  }

  /**
   * One environment's deployment of the run.
   *
   * @param startedAt when its plan ran, or null
   * @param previousRelease the commit it replaces (the last good one when it started), or null
   * @param releaseId the release started for it, or null
   * @param switched true once traffic went to it
   * @param outcome the recorded outcome ({@code deployed}, {@code rolled-back}, {@code skipped}),
   *     or null
   * @param rolledBackTo the commit a rollback returned to, or null
   * @param revertAttempted true once the revert policy acted (at most once per run and environment)
   * @param supersededBy the commit that superseded the run here, or null
   * @param failure why its apply or verify failed, as the step itself said (secrets masked), or
   *     null: what the rollback records, whatever the driver reported to the state machine (on AWS,
   *     Batch's {@code States.TaskFailed})
   */
  public record Deployment(
      Instant startedAt,
      String previousRelease,
      String releaseId,
      boolean switched,
      String outcome,
      String rolledBackTo,
      boolean revertAttempted,
      String supersededBy,
      Failure failure) {
    /** A deployment that has not started. */
    public static final Deployment NONE =
        new Deployment(null, null, null, false, null, null, false, null, null);

    /** A copy started now, replacing {@code previous}; unchanged if it started already. */
    public Deployment started(Instant at, String previous) {
      return startedAt != null
          ? this
          : with(
              c -> {
                c.startedAt = at;
                c.previousRelease = previous;
              });
    }

    /** A copy running {@code release}. */
    public Deployment withRelease(String release) {
      return with(c -> c.releaseId = release);
    }

    /** A copy whose traffic was switched. */
    public Deployment withSwitched() {
      return with(c -> c.switched = true);
    }

    /** A copy with its outcome. */
    public Deployment withOutcome(String value) {
      return with(c -> c.outcome = value);
    }

    /** A copy that was rolled back to {@code commit}. */
    public Deployment withRolledBackTo(String commit) {
      return with(c -> c.rolledBackTo = commit);
    }

    /** A copy superseded by {@code commit}. */
    public Deployment withSupersededBy(String commit) {
      return with(c -> c.supersededBy = commit);
    }

    /** A copy that failed for this reason. */
    public Deployment withFailure(Failure value) {
      return with(c -> c.failure = value);
    }

    /** A copy whose revert policy acted. */
    public Deployment withRevertAttempted() {
      return with(c -> c.revertAttempted = true);
    }

    private Deployment with(java.util.function.Consumer<Copy> change) {
      Copy c = new Copy(this);
      change.accept(c);
      return new Deployment(
          c.startedAt,
          c.previousRelease,
          c.releaseId,
          c.switched,
          c.outcome,
          c.rolledBackTo,
          c.revertAttempted,
          c.supersededBy,
          c.failure);
    }

    /** A changeable copy: each wither changes one field of it. */
    private static final class Copy {
      Instant startedAt;
      String previousRelease;
      String releaseId;
      boolean switched;
      String outcome;
      String rolledBackTo;
      boolean revertAttempted;
      String supersededBy;
      Failure failure;

      Copy(Deployment d) {
        startedAt = d.startedAt;
        previousRelease = d.previousRelease;
        releaseId = d.releaseId;
        switched = d.switched;
        outcome = d.outcome;
        rolledBackTo = d.rolledBackTo;
        revertAttempted = d.revertAttempted;
        supersededBy = d.supersededBy;
        failure = d.failure;
      }
    }
  }

  /** Copies the map, keeping its order. */
  public RunFacts {
    deployments = Map.copyOf(new LinkedHashMap<>(deployments));
  }

  /** The facts of a run just asked for. */
  public static RunFacts submitted(
      String id,
      String commit,
      String tree,
      String message,
      Trigger trigger,
      String actor,
      String onlyEnvironment,
      long sequence,
      Instant submittedAt) {
    return new RunFacts(
        id,
        commit,
        tree,
        message,
        trigger,
        actor,
        null,
        onlyEnvironment,
        sequence,
        submittedAt,
        null,
        null,
        null,
        null,
        null,
        Map.of());
  }

  /** True for a run someone asked for by hand. */
  public boolean manual() {
    return trigger == Trigger.MANUAL;
  }

  /** The deployment to an environment ({@link Deployment#NONE} before it started). */
  public Deployment deployment(String environment) {
    return deployments.getOrDefault(environment, Deployment.NONE);
  }

  /** The artifact, if built. */
  public Optional<String> builtArtifact() {
    return Optional.ofNullable(artifact).filter(a -> !a.isEmpty());
  }

  /** A copy whose deployment to {@code environment} is changed. */
  public RunFacts withDeployment(String environment, UnaryOperator<Deployment> change) {
    Map<String, Deployment> copy = new LinkedHashMap<>(deployments);
    copy.put(environment, change.apply(deployment(environment)));
    return with(c -> c.deployments = copy);
  }

  /** A copy validated with this pipeline file. */
  public RunFacts withPipelineFile(String text) {
    return with(c -> c.pipelineFile = text);
  }

  /** A copy whose build started at {@code at} (kept if it started already). */
  public RunFacts withBuildStarted(Instant at) {
    return buildStartedAt != null ? this : with(c -> c.buildStartedAt = at);
  }

  /** A copy with its artifact. */
  public RunFacts withArtifact(String digest) {
    return with(c -> c.artifact = digest);
  }

  /** A copy whose build failed for {@code failure}. */
  public RunFacts withBuildFailure(Failure failure) {
    return with(c -> c.buildFailure = failure);
  }

  /** A copy with its run-level outcome. */
  public RunFacts withOutcome(String value) {
    return with(c -> c.outcome = value);
  }

  /** A copy that belongs to {@code name} and has the number {@code number}. */
  public RunFacts withRepository(String name, long number) {
    return with(
        c -> {
          c.repository = name;
          c.sequence = number;
        });
  }

  private RunFacts with(java.util.function.Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new RunFacts(
        id,
        commit,
        tree,
        message,
        trigger,
        actor,
        c.repository,
        onlyEnvironment,
        c.sequence,
        submittedAt,
        c.pipelineFile,
        c.buildStartedAt,
        c.artifact,
        c.outcome,
        c.buildFailure,
        c.deployments);
  }

  /** The fields the withers change, as a changeable copy. */
  private static final class Copy {
    String repository;
    long sequence;
    String pipelineFile;
    Instant buildStartedAt;
    String artifact;
    String outcome;
    Failure buildFailure;
    Map<String, Deployment> deployments;

    Copy(RunFacts f) {
      repository = f.repository;
      sequence = f.sequence;
      pipelineFile = f.pipelineFile;
      buildStartedAt = f.buildStartedAt;
      artifact = f.artifact;
      outcome = f.outcome;
      buildFailure = f.buildFailure;
      deployments = f.deployments;
    }
  }

  /** The first seven characters of a commit id, as people read them. */
  public static String shortId(String commit) {
    return commit == null ? "" : commit.length() > 7 ? commit.substring(0, 7) : commit;
  }
}
