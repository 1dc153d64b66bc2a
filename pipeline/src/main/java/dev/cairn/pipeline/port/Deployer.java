package dev.cairn.pipeline.port;

import dev.cairn.pipeline.file.HealthSpec;
import java.util.List;
import java.util.Optional;

/**
 * Runs releases and switches an environment's traffic between them. Locally: supervised processes
 * on private ports behind a proxy process that owns the environment's stable port; both keep
 * serving while Cairn restarts. A release whose spec names an image ({@link ReleaseSpec#image}) is
 * a container; to this port it is a release like any other.
 */
public interface Deployer {
  /** Starts a release beside the live one, on a private port; returns once its process runs. */
  Release start(ReleaseSpec spec);

  /**
   * Waits until the release answers its health check, or fails.
   *
   * @return true when healthy within the app's start timeout; false when the timeout passed or the
   *     process exited
   */
  boolean awaitHealthy(Release release, HealthSpec health, java.time.Duration timeout);

  /** One health check now: true when the release answered 2xx. */
  boolean checkHealth(Release release, HealthSpec health);

  /** Points the environment's stable port at the release, atomically: no request fails. */
  void switchTraffic(Release release);

  /** Stops a release's process. */
  void stop(Release release);

  /** The release the environment's traffic goes to, if any. */
  Optional<Release> live(String environment);

  /**
   * The release the environment's traffic is meant to go to, whether or not its process still runs
   * (supervision restarts it when it does not).
   */
  Optional<Release> designated(String environment);

  /** True while the release's process runs. */
  boolean alive(Release release);

  /**
   * Starts a release's command again as the same release, on the same private port behind the same
   * proxy, after its process exited or stopped answering (what is left of it is killed first).
   *
   * @param spec what to start: the release's artifact, directory, command and variables
   * @return the release with its new process
   */
  Release restart(Release release, ReleaseSpec spec);

  /**
   * A release started and not stopped, whether or not its process still runs: a rollback to a last
   * good release that died starts it again as itself.
   */
  Optional<Release> recorded(String environment, String releaseId);

  /** Every release process still running for the environment. */
  List<Release> running(String environment);

  /**
   * The last lines of a release's own output (its stdout and stderr), secrets masked: why a release
   * failed to start or failed its bake is usually there. The release may have exited.
   *
   * @return the output, or empty when this deployer keeps none for the release
   */
  default Optional<String> output(String environment, String releaseId) {
    return Optional.empty();
  }

  /** Re-adopts the proxies and releases left running by a previous Cairn process. */
  void adopt();
}
