package dev.cairn.pipeline.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The four DORA measures of one environment over a period, computed from the audit trail alone. The
 * exact definitions are in {@code docs/audit-trail.md} ("Metrics"); in short, for records whose
 * {@code occurredAt} is in {@code [since, until)}:
 *
 * <ul>
 *   <li><b>deployment frequency</b>: {@code deployed} records, and per day;
 *   <li><b>lead time for changes</b>: {@code occurredAt - committedAt} of each {@code deployed}
 *       record that carries {@code committedAt}; median and 90th percentile;
 *   <li><b>change failure rate</b>: failed changes ÷ changes, where a change is a {@code deployed}
 *       or {@code deployment-failed} record, and it failed if it is {@code deployment-failed} or
 *       its commit was later rolled back or marked bad in the environment (anywhere later in the
 *       trail);
 *   <li><b>time to restore</b>: for each failure episode that began in the period — from the first
 *       {@code deployment-failed}, {@code rolled-back} or {@code marked-bad} record after a {@code
 *       deployed} one to the next {@code deployed} record — its length; median. Episodes with no
 *       later {@code deployed} record are counted as open.
 * </ul>
 *
 * @param environment the environment
 * @param since start of the period (inclusive)
 * @param until end of the period (exclusive)
 * @param deployments the number of successful deployments
 * @param deploymentsPerDay deployments divided by the period's length in days
 * @param leadTimeSamples how many deployments had a commit time
 * @param leadTimeMedian the median lead time, or empty without samples
 * @param leadTimeP90 the 90th percentile lead time (nearest rank), or empty
 * @param changes deployments plus failed deployments
 * @param failedChanges the changes that failed
 * @param changeFailureRate failedChanges ÷ changes, or empty when there was no change
 * @param restores the failure episodes that ended with a deployment
 * @param openFailures the failure episodes not yet ended by a deployment
 * @param timeToRestoreMedian the median time to restore, or empty
 */
public record DoraMetrics(
    String environment,
    Instant since,
    Instant until,
    long deployments,
    double deploymentsPerDay,
    long leadTimeSamples,
    Optional<Duration> leadTimeMedian,
    Optional<Duration> leadTimeP90,
    long changes,
    long failedChanges,
    Optional<Double> changeFailureRate,
    long restores,
    long openFailures,
    Optional<Duration> timeToRestoreMedian) {

  /**
   * The measures of every environment the trail names (or only {@code environment} when not null),
   * by environment name.
   *
   * @param trail the entries in trail order
   * @param environment only this environment, or null for all
   * @param since start of the period (inclusive)
   * @param until end of the period (exclusive)
   */
  public static Map<String, DoraMetrics> compute(
      List<TrailEntry> trail, String environment, Instant since, Instant until) {
    if (!since.isBefore(until)) {
      throw new IllegalArgumentException("the period is empty: since " + since + " until " + until);
    }
    Map<String, List<TrailEntry>> byEnvironment = new TreeMap<>();
    for (TrailEntry e : trail) {
      if (e.environment() != null && (environment == null || environment.equals(e.environment()))) {
        byEnvironment.computeIfAbsent(e.environment(), k -> new ArrayList<>()).add(e);
      }
    }
    Map<String, DoraMetrics> out = new TreeMap<>();
    byEnvironment.forEach((env, entries) -> out.put(env, of(env, entries, since, until)));
    return out;
  }

  private static DoraMetrics of(
      String env, List<TrailEntry> entries, Instant since, Instant until) {
    // Commits rolled back or marked bad, with the position of the first such record.
    Map<String, Integer> badAt = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      TrailEntry e = entries.get(i);
      if (e.event() == AuditEvent.ROLLED_BACK || e.event() == AuditEvent.MARKED_BAD) {
        badAt.putIfAbsent(e.commit(), i);
      }
    }
    long deployments = 0;
    long changes = 0;
    long failed = 0;
    List<Duration> leadTimes = new ArrayList<>();
    List<Duration> restoreTimes = new ArrayList<>();
    long open = 0;
    Instant failingSince = null;
    Set<String> failedDeployedCommits = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      TrailEntry e = entries.get(i);
      boolean inPeriod = !e.occurredAt().isBefore(since) && e.occurredAt().isBefore(until);
      switch (e.event()) {
        case DEPLOYED -> {
          if (failingSince != null) {
            if (!failingSince.isBefore(since) && failingSince.isBefore(until)) {
              restoreTimes.add(Duration.between(failingSince, e.occurredAt()));
            }
            failingSince = null;
          }
          if (inPeriod) {
            deployments++;
            changes++;
            Integer bad = badAt.get(e.commit());
            if (bad != null && bad > i && failedDeployedCommits.add(e.commit() + "@" + i)) {
              failed++;
            }
            if (e.committedAt() != null && !e.committedAt().isAfter(e.occurredAt())) {
              leadTimes.add(Duration.between(e.committedAt(), e.occurredAt()));
            }
          }
        }
        case DEPLOYMENT_FAILED -> {
          if (inPeriod) {
            changes++;
            failed++;
          }
          failingSince = failingSince == null ? e.occurredAt() : failingSince;
        }
        case ROLLED_BACK, MARKED_BAD ->
            failingSince = failingSince == null ? e.occurredAt() : failingSince;
        default -> {}
      }
    }
    if (failingSince != null && !failingSince.isBefore(since) && failingSince.isBefore(until)) {
      open++;
    }
    double days = Duration.between(since, until).toMillis() / 86_400_000.0;
    leadTimes.sort(null);
    restoreTimes.sort(null);
    return new DoraMetrics(
        env,
        since,
        until,
        deployments,
        deployments / days,
        leadTimes.size(),
        percentile(leadTimes, 50),
        percentile(leadTimes, 90),
        changes,
        failed,
        changes == 0 ? Optional.empty() : Optional.of((double) failed / changes),
        restoreTimes.size(),
        open,
        percentile(restoreTimes, 50));
  }

  /** Nearest-rank percentile of a sorted list; the median of an even count is the lower middle. */
  private static Optional<Duration> percentile(List<Duration> sorted, int p) {
    if (sorted.isEmpty()) {
      return Optional.empty();
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return Optional.of(sorted.get(Math.max(0, rank - 1)));
  }
}
