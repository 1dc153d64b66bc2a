package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.runtime.EnvironmentRecovery;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the audit trail in git alone says of the environments (their last good releases, the commits
 * marked bad): fetches the remote's {@code cairn/audit} branch into a cache repository (kept
 * between calls, so later fetches are small) with {@link AuditTrail#fetch} and applies the same
 * derivation as the local runtime, {@link ReleaseMemory} and {@link EnvironmentRecovery}.
 */
public final class TrailLastGood {
  private final Path cache;
  private final Supplier<RemoteCredentials> credentials;
  private final Duration timeout;

  /**
   * A reader.
   *
   * @param cache the cache repository's directory (created if absent)
   * @param credentials for HTTPS remotes, or null
   * @param timeout the network timeout of the fetch
   */
  public TrailLastGood(Path cache, Supplier<RemoteCredentials> credentials, Duration timeout) {
    this.cache = cache;
    this.credentials = credentials;
    this.timeout = timeout;
  }

  /**
   * The trail's entries, oldest first; empty when the remote has no trail yet.
   *
   * @throws IOException when the remote cannot be read (the message holds no credentials)
   */
  public List<TrailEntry> entries(String remote) throws IOException {
    try (AuditTrail trail = AuditTrail.fetch(remote, cache, credentials, timeout, null)) {
      return List.copyOf(trail.entries());
    }
  }

  /**
   * The environment's last good release, if it ever had one.
   *
   * @throws IOException when the remote cannot be read
   */
  public Optional<ReleaseMemory.Release> lastGood(String remote, String environment)
      throws IOException {
    ReleaseMemory.Environment derived = ReleaseMemory.derive(entries(remote)).get(environment);
    return derived == null ? Optional.empty() : derived.lastGood();
  }

  /**
   * Brings the environments' states up to date with the remote's trail ({@link
   * EnvironmentRecovery#recover}: empty states seeded, missing bad marks added). With signing keys,
   * only the records whose audit commits verify count ({@link AuditTrail#trusting}), as in the
   * local runtime's recovery.
   *
   * @param trusted the keys audit commits are signed with; empty when signing is off (then every
   *     record counts)
   * @return the environments changed
   * @throws IOException when the remote cannot be read (nothing was written then; the message holds
   *     no credentials)
   */
  public List<String> recover(
      String remote, EnvironmentStore environments, List<AuditSignatureVerifier> trusted)
      throws IOException {
    try (AuditTrail trail = AuditTrail.fetch(remote, cache, credentials, timeout, null)) {
      return EnvironmentRecovery.recover(
          environments, trusted.isEmpty() ? trail : trail.trusting(trusted));
    }
  }
}
