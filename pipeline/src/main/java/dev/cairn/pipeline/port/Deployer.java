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
   * Takes over what outlived the release's first process, which is gone (e.g. only a sandbox's
   * outer process was killed while the application it started kept serving): when processes the
   * release started still run and the release answers its health check once, the topmost of them
   * becomes the release's recorded process, so that {@link #alive}, {@link #stop}, {@link #restart}
   * and a later deployment find them; nothing is restarted. When they run but do not answer, they
   * are killed, so that a {@link #restart} gets the release's port.
   *
   * @param release the release, as recorded with its first process
   * @param health its health check
   * @return what was found and done
   */
  Survivors adoptSurvivors(Release release, HealthSpec health);

  /**
   * What {@link #adoptSurvivors} found and did.
   *
   * @param found how many processes of the release outlived its recorded process (0: none)
   * @param adopted the release with its new process when they answered and were adopted; empty when
   *     none ran, or they did not answer and were killed
   */
  record Survivors(int found, Optional<Release> adopted) {
    /** Nothing outlived the release's process. */
    public static final Survivors NONE = new Survivors(0, Optional.empty());
  }

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
