package dev.cairn.pipeline.behaviour;

import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.RunFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One way of running Cairn's pipeline, as the {@link PipelineBehaviourSuite} drives it: a
 * repository with a {@code main} branch that Cairn deploys, pushes to it, manual actions, and what
 * Cairn then knows and recorded. The local driver is Cairn's loop with real processes; the AWS
 * driver is the compiled state machine on Cairn's engine with the Lambda handlers and the runner
 * against the emulators. Everything a scenario asserts goes through this interface, so both drivers
 * must give the same answers.
 *
 * <p>Every method blocks until what it did is done; none may sleep a fixed time to get there.
 */
public interface PipelineDriver extends AutoCloseable {

  /**
   * A commit: the files it writes (path relative to the repository's root → text) and the files it
   * deletes, on top of the previous commit of {@code main}.
   *
   * @param message the commit message (its first line is the subject Cairn records)
   * @param write files written
   * @param delete files deleted (missing ones are ignored)
   */
  record Change(String message, Map<String, String> write, Set<String> delete) {
    /** Copies the maps. */
    public Change {
      write = Map.copyOf(write);
      delete = Set.copyOf(delete);
    }

    /** A change that only writes files. */
    public static Change of(String message, Map<String, String> write) {
      return new Change(message, write, Set.of());
    }
  }

  /**
   * How a run ended.
   *
   * @param status the execution's final status: {@code SUCCEEDED} or {@code FAILED}
   * @param error the execution's error name when it failed (e.g. {@code Cairn.BuildFailed}), else
   *     null
   * @param cause the error's cause when it failed (for failure messages), else null
   * @param facts the run's facts as the driver's run store holds them
   */
  record RunResult(String status, String error, String cause, RunFacts facts) {
    /**
     * The recorded outcome in an environment: {@code deployed}, {@code rolled-back}, {@code
     * skipped}, or null when the run did not get there.
     */
    public String outcome(String environment) {
      return facts.deployment(environment).outcome();
    }
  }

  /**
   * Commits the change on {@code main} and pushes it, so that Cairn hears of it as it would in
   * production (a hook, a webhook). The first push also starts Cairn, as a user who pushes their
   * first commit and then starts it.
   *
   * @return the commit id
   */
  String push(Change change) throws Exception;

  /** Waits for the run of a pushed commit (or of a commit Cairn pushed itself) to end. */
  RunResult awaitRun(String commit) throws Exception;

  /**
   * Offers a commit Cairn has seen before to the pipeline again, as a redelivered push notification
   * would, and waits for that new run to end.
   */
  RunResult redeliver(String commit) throws Exception;

  /**
   * Deploys a commit to one environment by hand as the CLI does ({@code cairn deploy}), even if it
   * is marked bad, and waits for that run to end.
   */
  RunResult deployByHand(String environment, String commit) throws Exception;

  /**
   * Rolls an environment back by hand as the CLI does ({@code cairn rollback}): the commit it runs
   * is marked bad and the good release before it deployed again. Waits for that run to end.
   */
  RunResult rollbackByHand(String environment) throws Exception;

  /** What Cairn's store holds of an environment: last good release, bad commits, deploy queue. */
  EnvironmentState environment(String name) throws Exception;

  /**
   * The commit the environment serves now: what its stable address answers on {@code /version}
   * ({@link SampleApp#served}), or empty when nothing answers.
   */
  Optional<String> liveCommit(String environment) throws Exception;

  /**
   * The artifact the environment's target runs now ({@code image:sha256:<hex>} for an image
   * release): the live release's locally, the stack's image on AWS; empty when none runs.
   */
  Optional<String> liveArtifact(String environment) throws Exception;

  /**
   * The commits whose migration ran in the environment, oldest first, as the target saw them run:
   * the one-off container's output ({@link SampleApp#MIGRATING}) locally, the migration tasks on
   * the stack's cluster on AWS.
   */
  List<String> migrated(String environment) throws Exception;

  /**
   * Why this driver cannot run image releases on this machine (e.g. no Podman), or empty when it
   * can. Scenarios of the {@link SampleApp#images image variant} are skipped with this message.
   */
  default Optional<String> imagesUnavailable() {
    return Optional.empty();
  }

  /** The commit a branch of the repository points at, or empty when there is no such branch. */
  Optional<String> branchTip(String branch) throws Exception;

  /**
   * Every audit record Cairn wrote so far, in the order it stored them, once all of them are where
   * they are kept (the audit branch); waits for delivery.
   */
  List<AuditRecord> records() throws Exception;

  /** Stops Cairn and every process it started. */
  @Override
  void close();
}
