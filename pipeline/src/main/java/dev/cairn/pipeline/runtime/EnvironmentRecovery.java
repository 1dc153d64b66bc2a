package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.port.AuditHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Git as memory: rebuilds the state of environments Cairn knows nothing of from the audit trail, so
 * that a Cairn that lost its state still rolls back to the right commit and still refuses to
 * redeploy a bad one. The last good release of a state that exists is left alone: it is at least as
 * new as the trail (records are written after the state changes). Bad marks are the one thing a
 * state may lack that the trail has — a mark another writer of the trail made, or one made while
 * the state was lost — and {@link #recover} and {@link #markBad} add them; no mark is ever taken
 * away here. Which events mark a commit bad is {@link ReleaseMemory}'s rule, the same everywhere.
 */
public final class EnvironmentRecovery {
  private EnvironmentRecovery() {}

  /**
   * Seeds every environment the trail names whose state is empty.
   *
   * @return the environments seeded, by name
   * @throws IOException when the trail cannot be read; nothing was written then
   */
  public static List<String> seedMissing(EnvironmentStore store, AuditHistory history)
      throws IOException {
    Map<String, ReleaseMemory.Environment> environments = ReleaseMemory.derive(history.entries());
    List<String> seeded = new ArrayList<>();
    for (ReleaseMemory.Environment environment : environments.values()) {
      boolean[] changed = {false};
      store.update(
          environment.name(),
          state -> {
            if (!isEmpty(state)) {
              return state;
            }
            changed[0] = true;
            return seeded(environment);
          });
      if (changed[0]) {
        seeded.add(environment.name());
      }
    }
    return seeded;
  }

  /**
   * Brings every environment the trail names up to date with it: an empty state is seeded as {@link
   * #seedMissing} does (its deploy queue kept), a state that exists gets the trail's bad marks it
   * lacks. The AWS runner calls this before a run reaches its deploy queues, which decide from the
   * states alone.
   *
   * @return the environments changed, by name
   * @throws IOException when the trail cannot be read; nothing was written then
   */
  public static List<String> recover(EnvironmentStore store, AuditHistory history)
      throws IOException {
    Map<String, ReleaseMemory.Environment> environments = ReleaseMemory.derive(history.entries());
    List<String> changed = new ArrayList<>();
    for (ReleaseMemory.Environment environment : environments.values()) {
      EnvironmentState[] before = {null};
      EnvironmentState after =
          store.update(
              environment.name(),
              state -> {
                before[0] = state;
                return isEmpty(state)
                    ? seeded(environment)
                        .withQueue(state.holder(), state.waiting(), state.grantedSequence())
                    : withMarks(state, environment);
              });
      if (!after.equals(before[0])) {
        changed.add(environment.name());
      }
    }
    return changed;
  }

  /**
   * Writes the bad marks {@code entries} make (records about to be delivered to the trail) into
   * each environment's state, so that a deploy queue reading only the states knows every commit the
   * trail will mark bad.
   *
   * @return the environments whose state changed, by name
   */
  public static List<String> markBad(EnvironmentStore store, List<TrailEntry> entries) {
    List<String> changed = new ArrayList<>();
    for (ReleaseMemory.Environment environment : ReleaseMemory.derive(entries).values()) {
      if (environment.bad().isEmpty()) {
        continue;
      }
      EnvironmentState[] before = {null};
      EnvironmentState after =
          store.update(
              environment.name(),
              state -> {
                before[0] = state;
                return withMarks(state, environment);
              });
      if (!after.equals(before[0])) {
        changed.add(environment.name());
      }
    }
    return changed;
  }

  private static EnvironmentState withMarks(
      EnvironmentState state, ReleaseMemory.Environment environment) {
    EnvironmentState marked = state;
    for (String commit : environment.bad()) {
      marked = marked.withBad(commit);
    }
    return marked;
  }

  private static boolean isEmpty(EnvironmentState state) {
    return state.lastGood().isEmpty() && state.goodHistory().isEmpty() && state.bad().isEmpty();
  }

  /** The state the trail describes; no release process is known, so none is named. */
  static EnvironmentState seeded(ReleaseMemory.Environment environment) {
    Optional<EnvironmentState.LastGood> lastGood =
        environment
            .lastGood()
            .map(
                good ->
                    new EnvironmentState.LastGood(
                        good.commit(),
                        good.artifact() == null ? "" : good.artifact(),
                        "",
                        // The run names the directory a rollback unpacks into: never empty.
                        good.run() == null
                            ? "recovered-" + good.commit().substring(0, 12)
                            : good.run()));
    return new EnvironmentState(
        environment.name(),
        lastGood,
        environment.goodHistory(),
        environment.bad(),
        Optional.empty(),
        List.of(),
        0,
        0);
  }
}
