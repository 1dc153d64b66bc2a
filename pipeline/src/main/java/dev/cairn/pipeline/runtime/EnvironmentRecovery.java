package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.audit.ReleaseMemory;
import dev.cairn.pipeline.port.AuditHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Git as memory: rebuilds the state of environments Cairn knows nothing of from the audit trail, so
 * that a Cairn that lost its state still rolls back to the right commit and still refuses to
 * redeploy a bad one. States that exist are left alone: they are at least as new as the trail
 * (records are written after the state changes).
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
