package dev.cairn.aws.lambda.queue;

import dev.cairn.git.RemoteTemplate;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.runtime.DeployQueue;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Commits marked bad in the audit trail (a rollback, or a person's {@code mark-bad}), for the
 * deploy queue beyond the bad commits the environment's state holds: the trail survives the loss of
 * every other piece of Cairn's state.
 */
public final class BadCommits {
  private BadCommits() {}

  /**
   * The audit trail on the remote (the same derivation as the local runtime, {@link
   * ReleaseMemory}). An unreadable trail is not an empty one: the check then throws {@link
   * UncheckedIOException} and the queue function fails (and is retried).
   *
   * @param remoteTemplate the remote, {@code {repository}} replaced by the run's repository
   * @param trail the trail reader
   */
  public static DeployQueue.BadCommits fromTrail(String remoteTemplate, TrailLastGood trail) {
    return (repository, environment, commit) -> {
      try {
        ReleaseMemory.Environment derived =
            ReleaseMemory.derive(
                    trail.entries(
                        RemoteTemplate.resolve(
                            remoteTemplate, repository == null ? "" : repository)))
                .get(environment);
        return derived != null && derived.isBad(commit);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
