package dev.cairn.cli.loop;

import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.service.LocalServiceProvisioner;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.run.PipelineService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Supervises what the local loop runs while {@code cairn serve} runs: every tick, a proxy that is
 * gone is started again at once on its port, a PostgreSQL or Redis that is gone is started again
 * with its data, and each environment's live release is checked by the pipeline's supervision
 * (restarted from its artifact, or rolled back when it keeps failing). The first tick runs at
 * start, so whatever died while Cairn was down comes back then.
 */
final class Supervisor implements AutoCloseable {
  /** How often processes are checked: a dead proxy is back within about this long. */
  static final Duration TICK = Duration.ofMillis(200);

  /** Below this much free space CAIRN_HOME is reported full: state files and runs would fail. */
  static final long FULL_BELOW_BYTES = 1024 * 1024;

  private final Path home;
  private boolean full;

  private final ProcessDeployer deployer;
  private final LocalServiceProvisioner services;
  private final PipelineService pipelines;
  private final Function<String, String> treeOf;
  private final PipelineListener listener;
  private final ScheduledExecutorService ticks =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "cairn-supervisor");
            thread.setDaemon(true);
            return thread;
          });
  // A release's restart waits for its health check: one environment must not hold up the others.
  private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();
  private final Set<String> checking = ConcurrentHashMap.newKeySet();
  // The last error reported per subject, so that a fault lasting many ticks is reported once.
  private final Map<String, String> reported = new ConcurrentHashMap<>();

  Supervisor(
      Path home,
      ProcessDeployer deployer,
      LocalServiceProvisioner services,
      PipelineService pipelines,
      Function<String, String> treeOf,
      PipelineListener listener) {
    this.home = home;
    this.deployer = deployer;
    this.services = services;
    this.pipelines = pipelines;
    this.treeOf = treeOf;
    this.listener = listener;
  }

  /** Starts ticking. */
  void start() {
    ticks.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void tick() {
    checkSpace();
    try {
      for (String environment : deployer.restartDeadProxies()) {
        event(RunEvent.Kind.PROXY_RESTARTED, environment, "the proxy was gone; started again");
      }
      reported.remove("proxies");
    } catch (RuntimeException e) {
      error("proxies", null, "a proxy could not be started again: " + e.getMessage());
    }
    for (LocalServiceProvisioner.Restart restart : services.restartStopped()) {
      restart
          .error()
          .ifPresentOrElse(
              e -> error(restart.service(), null, restart.service() + " is down: " + e),
              () -> {
                reported.remove(restart.service());
                event(
                    RunEvent.Kind.SERVICE_RESTARTED,
                    null,
                    restart.service() + " was down; started again with its data");
              });
    }
    for (String environment : deployer.environments()) {
      if (checking.add(environment)) {
        checks.execute(() -> check(environment));
      }
    }
  }

  /**
   * Says once when CAIRN_HOME's disk fills up (again after space returned): meanwhile runs cannot
   * start or fail with "No space left on device", while releases, proxies and services (which write
   * elsewhere or nothing) keep serving.
   */
  private void checkSpace() {
    long free;
    try {
      free = Files.getFileStore(home).getUsableSpace();
    } catch (IOException e) {
      return;
    }
    if (free < FULL_BELOW_BYTES && !full) {
      full = true;
      event(
          RunEvent.Kind.ERROR,
          null,
          "the disk of CAIRN_HOME ("
              + home
              + ") is full ("
              + free / 1024
              + " KiB free): new commits cannot be fetched or run until space is freed; the"
              + " environments keep serving their releases");
    } else if (free >= FULL_BELOW_BYTES) {
      full = false;
    }
  }

  private void check(String environment) {
    try {
      pipelines.supervise(environment, treeOf);
      reported.remove(environment);
    } catch (RuntimeException e) {
      error(environment, environment, "supervision failed: " + e.getMessage());
    } finally {
      checking.remove(environment);
    }
  }

  private void error(String subject, String environment, String message) {
    if (!message.equals(reported.put(subject, message))) {
      event(RunEvent.Kind.ERROR, environment, message);
    }
  }

  private void event(RunEvent.Kind kind, String environment, String message) {
    try {
      listener.event(new RunEvent("-", kind, environment, message));
    } catch (RuntimeException e) {
      // A listener's failure must not stop supervision.
    }
  }

  /** Stops supervising (before releases, proxies and services are stopped on purpose). */
  @Override
  public void close() {
    ticks.shutdownNow();
    checks.shutdownNow();
    try {
      ticks.awaitTermination(1, TimeUnit.MINUTES);
      checks.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
