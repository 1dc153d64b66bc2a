package dev.cairn.local.deploy;

import dev.cairn.local.container.Podman;
import dev.cairn.local.proxy.ProxyCounters;
import dev.cairn.local.proxy.ProxyMain;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.file.HealthSpec;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.Deployer.Survivors;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import dev.cairn.pipeline.port.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs releases as detached local processes behind a per-environment proxy process.
 *
 * <p>Layout under the root directory (e.g. {@code CAIRN_HOME/deployments}):
 *
 * <pre>
 * ENV/state.json             releases, live release, stable port, proxy process
 * ENV/releases/ID.log        a release's stdout and stderr
 * ENV/proxy/target           control file: the port new connections go to (replaced atomically)
 * ENV/proxy/target.active    written by the proxy: the port it applied
 * ENV/proxy/counters         written by the proxy: connections and errors since it started
 * ENV/proxy/proxy.pid        the proxy's pid while it runs
 * ENV/proxy/proxy.log        the proxy's output
 * </pre>
 *
 * <p>Releases and the proxy run in their own sessions ({@code setsid}) with output to files, so
 * they keep running when Cairn exits; {@link #adopt()} picks them up again. A release gets a small
 * base environment (PATH, HOME, LANG, JAVA_HOME, TZ when set), then the spec's variables, then
 * {@code PORT}; Cairn's other variables (which may hold credentials) are not passed on. A container
 * release is a foreground {@code podman run} process (see {@link ReleaseLauncher}).
 */
public final class ProcessDeployer implements Deployer {

  private final Options options;
  private final ReleaseLogs logs;
  private final StateFiles files;
  private final HealthProbe probe = new HealthProbe();
  private final SecureRandom random = new SecureRandom();
  private final ProxyLauncher proxies;
  private final ReleaseLauncher launcher;

  /**
   * The process trees of releases as last seen running: a release whose first process was killed
   * may leave processes behind (holding its port), which a restart must stop first. The handles
   * carry their start times, so a reused pid is never mistaken for one of them.
   */
  private final Map<String, List<ProcessHandle>> trees = new ConcurrentHashMap<>();

  /**
   * Creates a deployer with default options.
   *
   * @param root the directory holding the environments' state (e.g. {@code CAIRN_HOME/deployments})
   * @param secrets the secret store; its values are masked in log excerpts of error messages
   */
  public ProcessDeployer(Path root, SecretStore secrets) {
    this(Options.builder(root).build(), secrets);
  }

  /**
   * Creates a deployer.
   *
   * @param options where state lives, how to start the proxy, time limits
   * @param secrets the secret store; its values are masked in log excerpts of error messages
   */
  public ProcessDeployer(Options options, SecretStore secrets) {
    this.options = Objects.requireNonNull(options);
    this.files = new StateFiles(options.root());
    this.logs = new ReleaseLogs(options.root(), Objects.requireNonNull(secrets));
    this.proxies = new ProxyLauncher(options, log -> logs.tail(log, 20));
    this.launcher = new ReleaseLauncher(options);
  }

  /**
   * Whether releases run sandboxed: probed once. Without bubblewrap they run as plain processes of
   * Cairn's user ({@code cairn status} and the start banner say so).
   */
  public boolean releasesIsolated() {
    return launcher.isolated();
  }

  /**
   * Options of a {@link ProcessDeployer}.
   *
   * @param root the directory holding the environments' state
   * @param java the {@code java} executable that runs the proxy
   * @param proxyClasspath the classpath holding {@link ProxyMain}
   * @param stopGrace how long a stopped process may take to exit after SIGTERM before SIGKILL
   * @param switchTimeout how long the proxy may take to start or to acknowledge a switch
   * @param isolated run releases in a sandbox where bubblewrap works (see {@link #hidden})
   * @param hidden paths releases must not see beside the user's home (e.g. {@code CAIRN_HOME})
   * @param shared directories releases may read and write (chosen by whoever runs Cairn)
   * @param containers runs container releases ({@link ReleaseSpec#image}), or null where none run
   */
  public record Options(
      Path root,
      Path java,
      String proxyClasspath,
      Duration stopGrace,
      Duration switchTimeout,
      boolean isolated,
      List<Path> hidden,
      List<Path> shared,
      Podman containers) {
    /** Validates. */
    public Options {
      hidden = List.copyOf(hidden);
      shared = List.copyOf(shared);
      Objects.requireNonNull(root, "root");
      Objects.requireNonNull(java, "java");
      Objects.requireNonNull(proxyClasspath, "proxyClasspath");
      Objects.requireNonNull(stopGrace, "stopGrace");
      Objects.requireNonNull(switchTimeout, "switchTimeout");
    }

    /** A builder with defaults: this JVM's java, the classpath entry holding the proxy. */
    public static Builder builder(Path root) {
      return new Builder(root);
    }

    /** Builds {@link Options}. */
    public static final class Builder {
      private final Path root;
      private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      private String proxyClasspath = defaultProxyClasspath();
      private Duration stopGrace = Duration.ofSeconds(10);
      private Duration switchTimeout = Duration.ofSeconds(30);
      private boolean isolated = true;
      private final List<Path> hidden = new ArrayList<>();
      private final List<Path> shared = new ArrayList<>();
      private Podman containers;

      private Builder(Path root) {
        this.root = root;
      }

      /** The {@code java} executable that runs the proxy. */
      public Builder java(Path value) {
        this.java = value;
        return this;
      }

      /** The classpath holding {@link ProxyMain} (it needs nothing but the JDK). */
      public Builder proxyClasspath(String value) {
        this.proxyClasspath = value;
        return this;
      }

      /** How long a process may take to exit after SIGTERM before it is killed. */
      public Builder stopGrace(Duration value) {
        this.stopGrace = value;
        return this;
      }

      /** How long the proxy may take to start or to acknowledge a switch. */
      public Builder switchTimeout(Duration value) {
        this.switchTimeout = value;
        return this;
      }

      /** Whether releases run sandboxed where bubblewrap works (default: yes). */
      public Builder isolated(boolean value) {
        this.isolated = value;
        return this;
      }

      /** Makes {@code path} invisible to releases (e.g. {@code CAIRN_HOME}). */
      public Builder hide(Path path) {
        hidden.add(path.toAbsolutePath().normalize());
        return this;
      }

      /** Lets releases read and write {@code directory}. */
      public Builder share(Path directory) {
        shared.add(directory.toAbsolutePath().normalize());
        return this;
      }

      /** Runs container releases with this Podman (default: none). */
      public Builder containers(Podman value) {
        this.containers = value;
        return this;
      }

      /** The options. */
      public Options build() {
        return new Options(
            root,
            java,
            proxyClasspath,
            stopGrace,
            switchTimeout,
            isolated,
            hidden,
            shared,
            containers);
      }
    }

    private static String defaultProxyClasspath() {
      // The proxy's own jar (or classes directory) is enough: it uses the JDK only. Using it
      // rather than java.class.path avoids build tools' temporary launcher jars.
      try {
        return Path.of(ProxyMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
      } catch (URISyntaxException | RuntimeException e) {
        return System.getProperty("java.class.path");
      }
    }
  }

  @Override
  public synchronized Release start(ReleaseSpec spec) {
    String env = EnvironmentNames.require(spec.environment());
    if (spec.image() == null && !Files.isDirectory(spec.directory())) {
      throw new DeploymentException(
          "cannot start " + spec + ": directory " + spec.directory() + " does not exist");
    }
    EnvironmentState state = files.load(env).withStablePort(spec.stablePort());
    Set<Integer> taken = new HashSet<>();
    taken.add(spec.stablePort());
    state.releases().forEach(r -> taken.add(r.port()));
    int port = ReleaseLauncher.freePort(taken);
    String id = ReleaseLauncher.newId(random, spec.commit());
    Path log = files.envDir(env).resolve("releases").resolve(id + ".log");

    Process process = launcher.launch(spec, id, port, log);
    ReleaseRecord record =
        new ReleaseRecord(
            id,
            spec.commit(),
            spec.artifactDigest(),
            port,
            ProcessRef.of(process.toHandle()),
            log.toString(),
            Instant.now().toString(),
            spec.image());
    files.save(state.plus(record));
    return record.toRelease(env);
  }

  @Override
  public boolean awaitHealthy(Release release, HealthSpec health, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Optional<ProcessHandle> process = processOf(release);
    while (true) {
      if (process.isEmpty() || !process.get().isAlive()) {
        return false;
      }
      if (checkHealth(release, health)) {
        return true;
      }
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        return false;
      }
      Duration wait = health.interval().compareTo(left) < 0 ? health.interval() : left;
      // Waiting on the process's exit rather than sleeping ends the wait as soon as it dies.
      try {
        process.get().onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        return false;
      } catch (TimeoutException e) {
        // The interval passed with the process still running: check again.
      } catch (ExecutionException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  @Override
  public boolean checkHealth(Release release, HealthSpec health) {
    return probe.answers(release.port(), health);
  }

  @Override
  public synchronized void switchTraffic(Release release) {
    String env = EnvironmentNames.require(release.environment());
    EnvironmentState state = files.load(env);
    ReleaseRecord record = state.release(release.id());
    if (record == null || !record.process().alive()) {
      throw new DeploymentException(
          "cannot switch " + env + " to release " + release.id() + ": it is not running");
    }
    if (state.stablePort() == 0) {
      throw new DeploymentException("environment " + env + " has no stable port");
    }
    Path control = files.proxyDir(env).resolve("target");
    Optional<ProcessHandle> proxy = proxyProcess(state);
    if (proxy.isEmpty()) {
      state =
          state.withProxy(
              proxies.start(env, files.proxyDir(env), state.stablePort(), record.port()));
    } else {
      ProxyLauncher.writeControl(control, record.port());
      proxies.awaitAck(env, control, record.port(), proxy.get());
    }
    files.save(state.withLive(record.id()));
  }

  @Override
  public synchronized void stop(Release release) {
    String env = EnvironmentNames.require(release.environment());
    EnvironmentState state = files.load(env);
    ReleaseRecord record = state.release(release.id());
    ProcessRef process = record != null ? record.process() : new ProcessRef(release.pid(), null);
    launcher.kill(
        release.id(),
        record == null || record.container(),
        process.handle(),
        trees.remove(release.id()));
    if (record != null) {
      files.save(state.minus(record.id()));
    }
  }

  @Override
  public synchronized Optional<Release> recorded(String environment, String releaseId) {
    String env = EnvironmentNames.require(environment);
    return Optional.ofNullable(releaseId == null ? null : files.load(env).release(releaseId))
        .map(r -> r.toRelease(env));
  }

  @Override
  public synchronized Optional<Release> live(String environment) {
    EnvironmentState state = files.load(EnvironmentNames.require(environment));
    if (state.liveRelease() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(state.release(state.liveRelease()))
        .filter(r -> r.process().alive())
        .map(r -> r.toRelease(environment));
  }

  @Override
  public synchronized Optional<Release> designated(String environment) {
    EnvironmentState state = files.load(EnvironmentNames.require(environment));
    return Optional.ofNullable(state.liveRelease())
        .map(state::release)
        .map(r -> r.toRelease(environment));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also remembers the release's process tree, so that a restart after its first process died
   * can stop what it left behind.
   */
  @Override
  public boolean alive(Release release) {
    EnvironmentState state = files.load(EnvironmentNames.require(release.environment()));
    ReleaseRecord record = state.release(release.id());
    Optional<ProcessHandle> process =
        record != null && record.process().pid() == release.pid()
            ? record.process().handle()
            : Optional.empty();
    process.ifPresent(
        p -> {
          List<ProcessHandle> tree = new ArrayList<>();
          tree.add(p);
          p.descendants().forEach(tree::add);
          trees.put(release.id(), List.copyOf(tree));
        });
    return process.isPresent();
  }

  @Override
  public synchronized Release restart(Release release, ReleaseSpec spec) {
    String env = EnvironmentNames.require(release.environment());
    ReleaseRecord record = files.load(env).release(release.id());
    if (record == null) {
      throw new DeploymentException(
          "cannot restart release " + release.id() + " of " + env + ": it is not recorded");
    }
    // What the dead release left behind (its container, its processes) still holds its port.
    launcher.kill(
        release.id(), record.container(), record.process().handle(), trees.remove(release.id()));
    Process process = launcher.launch(spec, record.id(), record.port(), Path.of(record.log()));
    ReleaseRecord again = record.withProcess(ProcessRef.of(process.toHandle()));
    files.save(files.load(env).replacing(again));
    return again.toRelease(env);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The survivors are the processes marked with the release's id ({@link ProcessTrees#marked});
   * the one recorded is the topmost (the sandbox's namespace init when only its outer {@code bwrap}
   * died). Should there be several side by side, a stop or a restart still finds the others by
   * their mark, and a later check adopts another one should the recorded one die.
   */
  @Override
  public Survivors adoptSurvivors(Release release, HealthSpec health) {
    List<ProcessHandle> survivors = survivorsOf(release);
    if (survivors.isEmpty()) {
      return Survivors.NONE;
    }
    // Outside the lock: the check may take its whole time limit, and other environments' releases
    // must not wait for it.
    if (!checkHealth(release, health)) {
      ProcessTrees.killLeftovers(release.id(), survivors, options.stopGrace());
      trees.remove(release.id());
      return new Survivors(survivors.size(), Optional.empty());
    }
    synchronized (this) {
      String env = release.environment();
      EnvironmentState state = files.load(env);
      ReleaseRecord record = state.release(release.id());
      List<ProcessHandle> roots = ProcessTrees.roots(survivors);
      if (record == null
          || record.process().pid() != release.pid()
          || record.process().alive()
          || roots.isEmpty()) {
        // Stopped or started again meanwhile, or the survivors died since: not to be adopted.
        return Survivors.NONE;
      }
      ReleaseRecord adopted = record.adopting(ProcessRef.of(roots.get(0)));
      files.save(state.replacing(adopted));
      trees.remove(release.id());
      return new Survivors(survivors.size(), Optional.of(adopted.toRelease(env)));
    }
  }

  /** The processes of the release still running when its recorded process is gone. */
  private List<ProcessHandle> survivorsOf(Release release) {
    synchronized (this) {
      ReleaseRecord record =
          files.load(EnvironmentNames.require(release.environment())).release(release.id());
      if (record == null
          || record.process().pid() != release.pid()
          || record.process().alive()
          || record.container()) {
        // A container outlives its podman client under the runtime's own monitor (conmon): the
        // runtime owns it, so it is removed by its label and started again, never adopted.
        return List.of();
      }
    }
    return ProcessTrees.marked(release.id()).stream().filter(ProcessHandle::isAlive).toList();
  }

  /**
   * Starts again, on its stable port, the proxy of every environment whose proxy process is gone,
   * pointed at the live release (running or not: supervision restarts that one).
   *
   * @return the environments whose proxy was started
   */
  public synchronized List<String> restartDeadProxies() {
    List<String> restarted = new ArrayList<>();
    for (String env : environments()) {
      EnvironmentState state = files.load(env);
      if (proxyProcess(state).isPresent() || state.stablePort() == 0) {
        continue;
      }
      ReleaseRecord live = state.liveRelease() == null ? null : state.release(state.liveRelease());
      if (live == null) {
        continue;
      }
      files.save(
          state.withProxy(
              proxies.start(env, files.proxyDir(env), state.stablePort(), live.port())));
      restarted.add(env);
    }
    return restarted;
  }

  @Override
  public synchronized List<Release> running(String environment) {
    return files.load(EnvironmentNames.require(environment)).releases().stream()
        .filter(r -> r.process().alive())
        .map(r -> r.toRelease(environment))
        .toList();
  }

  /**
   * Re-reads every environment's state file: keeps the releases that still run and the live one
   * (which supervision adopts what is left of, or restarts from its artifact, when its process is
   * gone), forgets the other dead ones (killing what their first process left running), and
   * restarts a dead proxy pointing at the live release.
   */
  @Override
  public synchronized void adopt() {
    for (String env : environments()) {
      EnvironmentState state = files.load(env);
      String liveId = state.liveRelease();
      List<ReleaseRecord> kept =
          state.releases().stream()
              .filter(r -> r.id().equals(liveId) || r.process().alive())
              .toList();
      // What a forgotten release's first process left running would otherwise run on unseen.
      state.releases().stream()
          .filter(r -> !kept.contains(r))
          .forEach(r -> ProcessTrees.killLeftovers(r.id(), null, options.stopGrace()));
      state = state.withReleases(kept);
      ReleaseRecord live = state.liveRelease() == null ? null : state.release(state.liveRelease());
      if (live == null) {
        state = state.withLive(null);
      }
      if (proxyProcess(state).isEmpty()) {
        state = state.withProxy(null);
        if (live != null && state.stablePort() != 0) {
          state =
              state.withProxy(
                  proxies.start(env, files.proxyDir(env), state.stablePort(), live.port()));
        }
      }
      files.save(state);
    }
  }

  /**
   * Tears an environment down: stops its releases and its proxy and forgets its state (logs are
   * kept). For preview environments and tests.
   */
  public synchronized void destroy(String environment) {
    String env = EnvironmentNames.require(environment);
    EnvironmentState state = files.load(env);
    for (ReleaseRecord release : state.releases()) {
      launcher.kill(
          release.id(),
          release.container(),
          release.process().handle(),
          trees.remove(release.id()));
    }
    proxyProcess(state).ifPresent(p -> ProcessTrees.killTree(p, options.stopGrace()));
    try {
      Files.deleteIfExists(files.proxyDir(env).resolve("target"));
      Files.deleteIfExists(files.proxyDir(env).resolve("proxy.pid"));
      Files.deleteIfExists(files.envDir(env).resolve("state.json"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the state of " + env, e);
    }
  }

  /** The environments that have a state file. */
  public synchronized List<String> environments() {
    return files.environments();
  }

  private Optional<ProcessHandle> proxyProcess(EnvironmentState state) {
    return state.proxy() == null ? Optional.empty() : state.proxy().handle();
  }

  private Optional<ProcessHandle> processOf(Release release) {
    EnvironmentState state = files.load(EnvironmentNames.require(release.environment()));
    ReleaseRecord record = state.release(release.id());
    return record != null ? record.process().handle() : ProcessHandle.of(release.pid());
  }

  /** What the environment's proxy counted, as it last wrote it (see {@link ProxyCounters}). */
  public Optional<ProxyCounters> proxyCounters(String env) {
    return ProxyCounters.read(ProxyCounters.fileOf(files.proxyDir(env).resolve("target")));
  }

  /** The release's log (its stdout and stderr): the last lines, secrets masked. */
  @Override
  public Optional<String> output(String environment, String releaseId) {
    return logs.output(environment, releaseId);
  }

  /** The releases' own output files, and masking for what is read of them. */
  public ReleaseLogs logs() {
    return logs;
  }
}
