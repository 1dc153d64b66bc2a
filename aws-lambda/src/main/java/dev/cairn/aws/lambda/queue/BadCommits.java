package dev.cairn.aws.lambda.queue;

import dev.cairn.git.RemoteTemplate;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.audit.ReleaseMemory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Whether a commit is marked bad in an environment according to the audit trail (a rollback, or a
 * person's {@code mark-bad}), beyond the commits the queue itself saw rolled back.
 */
@FunctionalInterface
public interface BadCommits {
  /**
   * True when {@code commit} must not be deployed to {@code environment} automatically.
   *
   * @param repository the run's repository ({@code owner/name}), for remotes that name it
   * @throws UncheckedIOException when the trail cannot be read (an unreadable trail is not an empty
   *     one)
   */
  boolean isBad(String repository, String environment, String commit);

  /** Only the queue's own list counts. */
  static BadCommits none() {
    return (repository, environment, commit) -> false;
  }

  /**
   * The audit trail on the remote (the same derivation as the local runtime and the last-good
   * lookup, {@link ReleaseMemory}).
   *
   * @param remoteTemplate the remote, {@code {repository}} replaced by the run's repository
   * @param trail the trail reader
   */
  static BadCommits fromTrail(String remoteTemplate, TrailLastGood trail) {
    return (repository, environment, commit) -> {
      try {
        ReleaseMemory.Environment derived =
            ReleaseMemory.derive(trail.entries(RemoteTemplate.resolve(remoteTemplate, repository)))
                .get(environment);
        return derived != null && derived.isBad(commit);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
