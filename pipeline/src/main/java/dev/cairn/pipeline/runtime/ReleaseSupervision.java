package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.file.EnvironmentSpec;
import dev.cairn.pipeline.file.RollbackSpec;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.RunEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Keeps each environment's live release serving between deployments: when it exits, or fails its
 * health check {@code failure-threshold} times in a row, while no run holds the environment's
 * deploy slot, it is started again from its stored artifact as the same release (same private port,
 * same proxy), after an exponential back-off, and a {@code release-restarted} record says so. When
 * it fails again after {@code rollback.max-restarts} restarts within {@code
 * rollback.restart-window}, the environment is rolled back to its previous good release by a run
 * (the caller starts it) and the failing commit is marked bad. When only its first process is gone
 * and what that process started still runs and answers its health check (a sandbox's outer process
 * killed alone), those processes are adopted as the release instead of a restart, and a {@code
 * release-adopted} event says so.
 *
 * <p>What it counts lives in memory: a restart of Cairn starts counting afresh. A driver calls
 * {@link #check} for each environment periodically, never twice at once for one environment.
 */
public final class ReleaseSupervision {
  /** The error of a record when the release's process was gone. */
  public static final String EXITED = "Cairn.ReleaseExited";

  /** The error of a record when the release stopped answering its health check. */
  public static final String UNHEALTHY = "Cairn.ReleaseUnhealthy";

  /** The error of the rollback when the release failed after its restarts. */
  public static final String KEPT_FAILING = "Cairn.ReleaseKeptFailing";

  /** The wait before the second restart within the window; it doubles with each further one. */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** The longest wait between restarts. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

  /** What one check found and did. */
  public enum Outcome {
    /** Nothing to do: healthy, not supervised now (a deployment runs), or nothing live. */
    NOTHING,
    /** The release failed and waits for its back-off to pass. */
    WAITING,
    /**
     * The release's first process was gone, but what it started still runs and answers: taken over
     * as the release, not restarted.
     */
    ADOPTED,
    /** The release was started again and answers its health check. */
    RESTARTED,
    /** A restart was tried and failed (the next check tries again after the back-off). */
    RESTART_FAILED,
    /** The release kept failing: a rollback run was started. */
    ROLLING_BACK
  }

  /** Starts the rollback run of an environment whose live release kept failing. */
  @FunctionalInterface
  public interface RollbackStarter {
    /**
     * Starts the run.
     *
     * @param environment the environment
     * @param cause why, for people (one line)
     * @return the run's id
     */
    String rollBack(String environment, String cause) throws Exception;
  }

  private final StepSupport support;
  private final RuntimePorts ports;
  private final Predicate<String> runEnded;
  private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();

  ReleaseSupervision(StepSupport support, Predicate<String> runEnded) {
    this.support = support;
    this.ports = support.ports;
    this.runEnded = runEnded;
  }

  /** What supervision remembers of an environment's live commit. */
  private static final class Tracker {
    String commit;
    EnvironmentSpec spec;
    final Deque<Instant> restarts = new ArrayDeque<>();
    Instant lastRestart;
    Instant nextHealthCheck = Instant.MIN;
    int healthFailures;
    boolean servicesEnsured;
    String rollbackRun;

    /** Forgets what it counted for another commit. */
    void follow(String newCommit, EnvironmentSpec newSpec) {
      commit = newCommit;
      spec = newSpec;
      restarts.clear();
      lastRestart = null;
      nextHealthCheck = Instant.MIN;
      healthFailures = 0;
      servicesEnsured = false;
    }
  }

  /**
   * Checks an environment's live release once and heals it if it failed.
   *
   * @param rollBack starts the rollback run when the release kept failing
   */
  public Outcome check(String environment, RollbackStarter rollBack) {
    if (!(ports.target() instanceof DeployTarget.Processes target)) {
      return Outcome.NOTHING;
    }
    Tracker tracker = trackers.computeIfAbsent(environment, e -> new Tracker());
    synchronized (tracker) {
      EnvironmentState state = ports.environments().read(environment);
      if (deploying(state, tracker)) {
        tracker.healthFailures = 0;
        return Outcome.NOTHING;
      }
      Optional<EnvironmentState.LastGood> good = state.lastGood();
      Optional<Release> live = target.deployer().designated(environment);
      // Only the last good release is supervised: it is what the environment should run, and its
      // run's pipeline says how to start and check it.
      if (good.isEmpty()
          || live.isEmpty()
          || !live.get().commit().equals(good.get().commit())
          || good.get().artifact() == null
          || good.get().artifact().isEmpty()) {
        return Outcome.NOTHING;
      }
      if (!good.get().commit().equals(tracker.commit) || tracker.spec == null) {
        Optional<EnvironmentSpec> spec = specOf(good.get(), environment);
        if (spec.isEmpty()) {
          return Outcome.NOTHING;
        }
        tracker.follow(good.get().commit(), spec.get());
      }
      ensureServices(tracker, environment);
      String cause;
      String failure;
      if (!target.deployer().alive(live.get())) {
        // Its first process is gone; what that process started may still serve (only a sandbox's
        // outer process was killed). Taking it over spares clients the restart, which a release
        // slow to start makes them wait for; also what a Cairn started after the kill finds.
        Deployer.Survivors survivors =
            target.deployer().adoptSurvivors(live.get(), tracker.spec.health());
        if (survivors.adopted().isPresent()) {
          adopted(good.get(), live.get(), survivors, tracker);
          return Outcome.ADOPTED;
        }
        failure = EXITED;
        cause = describe(failure, tracker.spec, good.get().commit());
        if (survivors.found() > 0) {
          cause +=
              "; the "
                  + survivors.found()
                  + " process(es) it left running did not answer its health check "
                  + tracker.spec.health().path()
                  + " and were killed";
        }
      } else {
        failure = unhealthy(target, live.get(), tracker);
        if (failure == null) {
          return Outcome.NOTHING;
        }
        cause = describe(failure, tracker.spec, good.get().commit());
      }
      return heal(target, state, good.get(), live.get(), tracker, failure, cause, rollBack);
    }
  }

  /** Says that the survivors of the live release's first process now stand for it. */
  private void adopted(
      EnvironmentState.LastGood good, Release live, Deployer.Survivors survivors, Tracker tracker) {
    Release now = survivors.adopted().orElseThrow();
    tracker.healthFailures = 0;
    // It has just answered: the next check is one interval away.
    tracker.nextHealthCheck = ports.clock().instant().plus(tracker.spec.health().interval());
    support.event(
        "-",
        RunEvent.Kind.RELEASE_ADOPTED,
        live.environment(),
        RunFacts.shortId(good.commit())
            + ": the release's first process (pid "
            + live.pid()
            + ") was gone, but the "
            + survivors.found()
            + " process(es) it started still run and answer "
            + tracker.spec.health().path()
            + ": adopted (pid "
            + now.pid()
            + "), not restarted");
  }

  private boolean deploying(EnvironmentState state, Tracker tracker) {
    if (tracker.rollbackRun != null) {
      if (!runEnded.test(tracker.rollbackRun)) {
        return true;
      }
      tracker.rollbackRun = null;
    }
    return state.holder().isPresent() && !runEnded.test(state.holder().get().run());
  }

  private Optional<EnvironmentSpec> specOf(EnvironmentState.LastGood good, String environment) {
    try {
      return ports.runs().find(good.runId()).map(facts -> support.environment(facts, environment));
    } catch (RuntimeException e) {
      // A last good release recovered from the trail may have no run here: nothing to start it by.
      return Optional.empty();
    }
  }

  /** Once per live commit: its services run (a service that died while Cairn was down too). */
  private void ensureServices(Tracker tracker, String environment) {
    if (tracker.servicesEnsured) {
      return;
    }
    tracker.servicesEnsured = true;
    try {
      support.services(tracker.spec);
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted()) {
        // Cairn is stopping, not the services failing: no error for the user; the next pass
        // (or the next start) ensures them again.
        tracker.servicesEnsured = false;
        return;
      }
      support.event(
          "-",
          RunEvent.Kind.ERROR,
          environment,
          "the services could not be started: " + support.audit.redact(e.getMessage()));
    }
  }

  /** Whether the running release failed its health check too often (an error name), or null. */
  private String unhealthy(DeployTarget.Processes target, Release live, Tracker tracker) {
    Instant now = ports.clock().instant();
    if (tracker.nextHealthCheck.isAfter(now.plus(tracker.spec.health().interval()))) {
      // The clock was set back: without this the next check would wait for the time it lost.
      tracker.nextHealthCheck = now;
    }
    if (now.isBefore(tracker.nextHealthCheck)) {
      return null;
    }
    tracker.nextHealthCheck = now.plus(tracker.spec.health().interval());
    if (target.deployer().checkHealth(live, tracker.spec.health())) {
      tracker.healthFailures = 0;
      return null;
    }
    tracker.healthFailures++;
    return tracker.healthFailures >= tracker.spec.health().failureThreshold() ? UNHEALTHY : null;
  }

  private Outcome heal(
      DeployTarget.Processes target,
      EnvironmentState state,
      EnvironmentState.LastGood good,
      Release live,
      Tracker tracker,
      String failure,
      String cause,
      RollbackStarter rollBack) {
    String environment = live.environment();
    RollbackSpec policy = tracker.spec.rollback();
    Instant now = ports.clock().instant();
    while (!tracker.restarts.isEmpty()
        && !tracker.restarts.peekFirst().isAfter(now.minus(policy.restartWindow()))) {
      tracker.restarts.removeFirst();
    }
    if (tracker.restarts.size() >= policy.maxRestarts()
        && policy.automatic()
        && state.previousGood().isPresent()) {
      String why =
          cause
              + "; restarted "
              + tracker.restarts.size()
              + " time(s) within "
              + policy.restartWindow().toMinutes()
              + "m";
      try {
        tracker.rollbackRun = rollBack.rollBack(environment, why);
        tracker.restarts.clear();
        return Outcome.ROLLING_BACK;
      } catch (Exception e) {
        support.event(
            "-",
            RunEvent.Kind.ERROR,
            environment,
            "the rollback could not start: " + support.audit.redact(e.getMessage()));
        // Keep it serving meanwhile: restart it below.
      }
    }
    if (tracker.lastRestart != null && tracker.lastRestart.isAfter(now)) {
      // The clock was set back: the back-off counts from now, not from a time still to come.
      tracker.lastRestart = now;
    }
    if (tracker.lastRestart != null && now.isBefore(tracker.lastRestart.plus(backoff(tracker)))) {
      return Outcome.WAITING;
    }
    tracker.lastRestart = now;
    tracker.restarts.addLast(now);
    tracker.healthFailures = 0;
    int restarts = tracker.restarts.size();
    try {
      Release again = support.restartAsItself(target, tracker.spec, good, live);
      support.audit.recordOutsideRun(
          AuditEvent.RELEASE_RESTARTED,
          aboutCommit(good),
          environment,
          b ->
              b.error(support.audit.error(failure, cause))
                  .artifact(good.artifact())
                  .restarts(restarts));
      support.event(
          "-",
          RunEvent.Kind.RELEASE_RESTARTED,
          environment,
          RunFacts.shortId(good.commit()) + " (restart " + restarts + "): " + cause);
      boolean healthy =
          target
              .deployer()
              .awaitHealthy(again, tracker.spec.health(), tracker.spec.app().startTimeout());
      tracker.nextHealthCheck = ports.clock().instant();
      return healthy ? Outcome.RESTARTED : Outcome.RESTART_FAILED;
    } catch (RuntimeException e) {
      support.event(
          "-",
          RunEvent.Kind.ERROR,
          environment,
          "the release of "
              + RunFacts.shortId(good.commit())
              + " could not be restarted: "
              + support.audit.redact(e.getMessage()));
      return Outcome.RESTART_FAILED;
    }
  }

  /** No wait before the first restart in the window; 1s, 2s, 4s… (at most 1 min) after that. */
  private static Duration backoff(Tracker tracker) {
    int earlier = tracker.restarts.size();
    if (earlier == 0) {
      return Duration.ZERO;
    }
    Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(earlier - 1, 16));
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  private AuditRecorder.Run aboutCommit(EnvironmentState.LastGood good) {
    return ports
        .runs()
        .find(good.runId())
        .map(AuditRecorder.Run::of)
        .orElse(new AuditRecorder.Run(null, good.commit(), null, null, null, null));
  }

  private static String describe(String failure, EnvironmentSpec spec, String commit) {
    String release = "the live release of " + RunFacts.shortId(commit);
    return failure.equals(EXITED)
        ? release + " exited"
        : release
            + " did not answer its health check "
            + spec.health().path()
            + " "
            + spec.health().failureThreshold()
            + " time(s) in a row";
  }
}
