package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.audit.TrailEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The last good release of an environment, from the audit trail in git alone: fetches the remote's
 * {@code cairn/audit} branch into a cache repository (kept between warm invocations, so later
 * fetches are small) with {@link AuditTrail#fetch} and applies the same derivation as the local
 * runtime, {@link ReleaseMemory}.
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
}
