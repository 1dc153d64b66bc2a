package dev.cairn.local.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of an environment's {@code state.json}: its releases, the live one and its proxy.
 *
 * @param environment the environment
 * @param stablePort the proxy's port (0 before the first release)
 * @param liveRelease the id of the release traffic goes to, or null
 * @param proxy the proxy process, or null when none was started
 * @param releases the release processes started and not stopped
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record EnvironmentState(
    String environment,
    int stablePort,
    String liveRelease,
    ProcessRef proxy,
    List<ReleaseRecord> releases) {
  EnvironmentState {
    releases = releases == null ? List.of() : List.copyOf(releases);
  }

  static EnvironmentState empty(String environment) {
    return new EnvironmentState(environment, 0, null, null, List.of());
  }

  EnvironmentState withStablePort(int port) {
    return new EnvironmentState(environment, port, liveRelease, proxy, releases);
  }

  EnvironmentState withLive(String id) {
    return new EnvironmentState(environment, stablePort, id, proxy, releases);
  }

  EnvironmentState withProxy(ProcessRef ref) {
    return new EnvironmentState(environment, stablePort, liveRelease, ref, releases);
  }

  EnvironmentState withReleases(List<ReleaseRecord> list) {
    return new EnvironmentState(environment, stablePort, liveRelease, proxy, list);
  }

  EnvironmentState plus(ReleaseRecord release) {
    List<ReleaseRecord> list = new ArrayList<>(releases);
    list.add(release);
    return withReleases(list);
  }

  EnvironmentState minus(String id) {
    return withReleases(releases.stream().filter(r -> !r.id().equals(id)).toList())
        .withLive(id.equals(liveRelease) ? null : liveRelease);
  }

  /** A copy with the release of the same id replaced by {@code release}. */
  EnvironmentState replacing(ReleaseRecord release) {
    return withReleases(
        releases.stream().map(r -> r.id().equals(release.id()) ? release : r).toList());
  }

  ReleaseRecord release(String id) {
    return releases.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
  }
}
