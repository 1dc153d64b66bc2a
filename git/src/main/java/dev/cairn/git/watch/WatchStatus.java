package dev.cairn.git.watch;

import java.time.Instant;
import java.util.Optional;

/**
 * What a {@link CommitWatcher} last saw, for dashboards and health checks.
 *
 * @param branch the watched branch
 * @param lastDeliveredId the last commit handed to the listener (remembered across restarts)
 * @param lastCheckAt when the remote was last checked (successfully or not)
 * @param lastSuccessAt when a check last completed without error
 * @param lastError the last check's error message, empty when it succeeded; never contains
 *     credentials
 * @param needsAttention true when the last error will not go away by retrying (repository not
 *     found, credentials refused, unreadable mirror or state)
 */
public record WatchStatus(
    String branch,
    Optional<String> lastDeliveredId,
    Optional<Instant> lastCheckAt,
    Optional<Instant> lastSuccessAt,
    Optional<String> lastError,
    boolean needsAttention) {}
