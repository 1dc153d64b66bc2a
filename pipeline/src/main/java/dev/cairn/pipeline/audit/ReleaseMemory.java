package dev.cairn.pipeline.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Git as memory: each environment's releases derived from the audit trail alone, so that Cairn
 * which lost its state directory (or an AWS function that never had one) knows what to roll back to
 * and what never to deploy again automatically.
 *
 * <p>The rules, applied to the entries in trail order (documented in {@code docs/audit-trail.md}):
 *
 * <ul>
 *   <li>{@code deployed} makes the commit the last good release and appends it to the good history;
 *   <li>{@code deployment-failed} and {@code marked-bad} mark the commit bad;
 *   <li>{@code rolled-back} marks the commit bad; when that commit was the last good release (a
 *       rollback by hand), the last good release becomes {@code rolledBackTo};
 *   <li>a {@code manual-action} whose action is {@code mark-good} clears the commit's bad mark;
 *   <li>every other event changes nothing.
 * </ul>
 */
public final class ReleaseMemory {

  /** The action of a {@code manual-action} record that clears a bad mark. */
  public static final String MARK_GOOD = "mark-good";

  /**
   * A release that passed its bake in an environment.
   *
   * @param commit the application commit
   * @param artifact its artifact digest, or null when no record says
   * @param run the run that deployed it, or null
   */
  public record Release(String commit, String artifact, String run) {}

  /**
   * What the trail says of one environment.
   *
   * @param name the environment
   * @param lastGood the last good release, or empty
   * @param goodHistory the commits deployed successfully, oldest first (a commit may repeat)
   * @param bad the commits marked bad, in the order they were marked
   */
  public record Environment(
      String name, Optional<Release> lastGood, List<String> goodHistory, List<String> bad) {

    /** Copies the lists. */
    public Environment {
      goodHistory = List.copyOf(goodHistory);
      bad = List.copyOf(bad);
    }

    /** True when the commit must not be deployed here automatically. */
    public boolean isBad(String commit) {
      return bad.contains(commit);
    }

    /**
     * Where an automatic rollback of the last good release would go: the newest good release before
     * it that is not bad.
     */
    public Optional<String> previousGood() {
      String current = lastGood.map(Release::commit).orElse(null);
      for (int i = goodHistory.size() - 1; i >= 0; i--) {
        String c = goodHistory.get(i);
        if (!c.equals(current) && !bad.contains(c)) {
          return Optional.of(c);
        }
      }
      return Optional.empty();
    }
  }

  private ReleaseMemory() {}

  /** Derives every environment named by the trail, by name. */
  public static Map<String, Environment> derive(Iterable<TrailEntry> trail) {
    Map<String, State> states = new TreeMap<>();
    Map<String, String> artifactOfCommit = new HashMap<>();
    for (TrailEntry e : trail) {
      if (e.artifact() != null) {
        artifactOfCommit.put(e.commit(), e.artifact());
      }
      if (e.environment() == null) {
        continue;
      }
      State s = states.computeIfAbsent(e.environment(), n -> new State());
      switch (e.event()) {
        case DEPLOYED -> {
          s.lastGood =
              new Release(
                  e.commit(),
                  e.artifact() != null ? e.artifact() : artifactOfCommit.get(e.commit()),
                  e.run());
          s.goodHistory.add(e.commit());
          s.deployedRelease.put(e.commit(), s.lastGood);
        }
        case DEPLOYMENT_FAILED, MARKED_BAD -> s.bad.add(e.commit());
        case ROLLED_BACK -> {
          s.bad.add(e.commit());
          if (e.rolledBackTo() != null
              && s.lastGood != null
              && s.lastGood.commit().equals(e.commit())) {
            s.lastGood =
                s.deployedRelease.getOrDefault(
                    e.rolledBackTo(),
                    new Release(e.rolledBackTo(), artifactOfCommit.get(e.rolledBackTo()), null));
          }
        }
        case MANUAL_ACTION -> {
          if (MARK_GOOD.equals(e.action())) {
            s.bad.remove(e.commit());
          }
        }
        default -> {}
      }
    }
    Map<String, Environment> out = new LinkedHashMap<>();
    states.forEach(
        (name, s) ->
            out.put(
                name,
                new Environment(
                    name, Optional.ofNullable(s.lastGood), s.goodHistory, new ArrayList<>(s.bad))));
    return out;
  }

  private static final class State {
    Release lastGood;
    final List<String> goodHistory = new ArrayList<>();
    final Set<String> bad = new LinkedHashSet<>();
    final Map<String, Release> deployedRelease = new HashMap<>();
  }
}
