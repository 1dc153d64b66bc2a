package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.file.EnvironmentNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Cairn knows of one environment, in one value so that it changes atomically: the last good
 * release and the good ones before it, the commits marked bad, and the deploy queue — the run
 * holding the deploy slot, the runs waiting for it (with their task tokens) and the highest run
 * number ever granted or deployed. Kept by an {@link EnvironmentStore}.
 *
 * @param environment the environment's name
 * @param lastGood the last release that passed its bake, or empty
 * @param goodHistory the commits that were good here, oldest first
 * @param bad the commits marked bad here: never deployed again automatically
 * @param holder the run deploying now, or empty
 * @param waiting the runs waiting for the slot
 * @param grantedSequence the number of the newest run granted the slot (0 for none); never goes
 *     down
 * @param deployedSequence the number of the newest run deployed (0 for none); never goes down
 */
public record EnvironmentState(
    String environment,
    Optional<LastGood> lastGood,
    List<String> goodHistory,
    List<String> bad,
    Optional<Slot> holder,
    List<Slot> waiting,
    long grantedSequence,
    long deployedSequence) {

  /**
   * The last good release.
   *
   * @param commit the commit
   * @param artifact its artifact digest (empty when recovered from a trail that did not name it)
   * @param releaseId the release that ran it (empty when unknown)
   * @param runId the run that deployed it
   */
  public record LastGood(String commit, String artifact, String releaseId, String runId) {}

  /**
   * A run at the deploy queue.
   *
   * @param run the run id
   * @param sequence its number (newer runs have higher numbers)
   * @param commit the commit it deploys
   * @param token the task token its queue state waits on (a credential: never logged)
   */
  public record Slot(String run, long sequence, String commit, String token) {
    @Override
    public String toString() {
      // The token completes the waiting task: keep it out of any message or log line.
      return "Slot[run=" + run + ", sequence=" + sequence + ", commit=" + commit + "]";
    }
  }

  /** Copies the lists. */
  public EnvironmentState {
    EnvironmentNames.require(environment);
    goodHistory = List.copyOf(goodHistory);
    bad = List.copyOf(bad);
    waiting = List.copyOf(waiting);
  }

  /** The state of an environment nothing has happened in yet. */
  public static EnvironmentState empty(String environment) {
    return new EnvironmentState(
        environment, Optional.empty(), List.of(), List.of(), Optional.empty(), List.of(), 0, 0);
  }

  /** True when the commit is marked bad here. */
  public boolean isBad(String commit) {
    return bad.contains(commit);
  }

  /** The good release before the current one that is not marked bad, if any. */
  public Optional<String> previousGood() {
    String current = lastGood.map(LastGood::commit).orElse(null);
    for (int i = goodHistory.size() - 1; i >= 0; i--) {
      String commit = goodHistory.get(i);
      if (!commit.equals(current) && !isBad(commit)) {
        return Optional.of(commit);
      }
    }
    return Optional.empty();
  }

  /**
   * A copy whose last good release is {@code good}, deployed by the run numbered {@code number}.
   */
  public EnvironmentState withLastGood(LastGood good, long number) {
    List<String> history = new ArrayList<>(goodHistory);
    history.add(good.commit());
    return new EnvironmentState(
        environment,
        Optional.of(good),
        history,
        bad,
        holder,
        waiting,
        grantedSequence,
        Math.max(deployedSequence, number));
  }

  /** A copy whose last good release (same commit) now runs as the release {@code releaseId}. */
  public EnvironmentState withLastGoodRelease(String releaseId) {
    return new EnvironmentState(
        environment,
        lastGood.map(g -> new LastGood(g.commit(), g.artifact(), releaseId, g.runId())),
        goodHistory,
        bad,
        holder,
        waiting,
        grantedSequence,
        deployedSequence);
  }

  /** A copy with the commit marked bad (unchanged if it is already). */
  public EnvironmentState withBad(String commit) {
    if (commit == null || isBad(commit)) {
      return this;
    }
    List<String> marked = new ArrayList<>(bad);
    marked.add(commit);
    return new EnvironmentState(
        environment,
        lastGood,
        goodHistory,
        marked,
        holder,
        waiting,
        grantedSequence,
        deployedSequence);
  }

  /** A copy with another queue: holder, waiting runs and the highest number granted. */
  public EnvironmentState withQueue(Optional<Slot> slotHolder, List<Slot> queued, long granted) {
    return new EnvironmentState(
        environment,
        lastGood,
        goodHistory,
        bad,
        slotHolder,
        queued,
        Math.max(grantedSequence, granted),
        deployedSequence);
  }
}
