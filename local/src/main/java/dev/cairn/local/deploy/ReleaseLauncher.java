package dev.cairn.local.deploy;

import dev.cairn.local.container.Podman;
import dev.cairn.local.job.Bubblewrap;
import dev.cairn.pipeline.net.LoopbackPorts;
import dev.cairn.pipeline.port.ReleaseSpec;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts a release's process: detached, sandboxed where bubblewrap works, with a small base
 * environment (PATH, HOME, LANG, JAVA_HOME, TZ when set), then the spec's variables, then {@code
 * PORT}; Cairn's other variables (which may hold credentials) are not passed on. The release's side
 * of {@link ProcessDeployer}, shared by a first start and a restart.
 *
 * <p>A container release ({@link ReleaseSpec#image}) is the same kind of process: {@code podman
 * run} in the foreground (see {@link Podman#runCommand}), whose life is the container's and whose
 * output is the container's, so supervision, the proxy and the logs treat it as any release. Its
 * container carries the label {@value Podman#RELEASE_LABEL}{@code =ID}, which {@link #kill} uses as
 * {@link ProcessTrees#marked} uses {@code CAIRN_RELEASE_ID}.
 */
final class ReleaseLauncher {
  private static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "JAVA_HOME", "TZ");

  /** The size of a sandboxed release's private /tmp. */
  private static final long RELEASE_TMP_BYTES = 512L * 1024 * 1024;

  private final ProcessDeployer.Options options;
  private Optional<Bubblewrap> sandbox;
  private final Podman containers;

  ReleaseLauncher(ProcessDeployer.Options options) {
    this.options = options;
    this.containers = options.containers();
  }

  /** Whether releases run sandboxed: probed once. */
  synchronized boolean isolated() {
    if (sandbox == null) {
      sandbox =
          options.isolated()
              ? Bubblewrap.forReleases(options.hidden(), options.shared(), RELEASE_TMP_BYTES)
              : Optional.empty();
    }
    return sandbox.isPresent();
  }

  /**
   * Starts the spec's command listening on {@code port}, its output appended to {@code log}, every
   * process of it marked with {@code releaseId} (see {@link ProcessTrees#marked}).
   *
   * @throws DeploymentException when it cannot start
   */
  Process launch(ReleaseSpec spec, String releaseId, int port, Path log) {
    Map<String, String> environment = new HashMap<>();
    for (String name : BASE_ENV) {
      String value = System.getenv(name);
      if (value != null) {
        environment.put(name, value);
      }
    }
    environment.putAll(spec.env());
    environment.put("PORT", Integer.toString(port));
    // Marks every process of the release, so that what outlives its first process can be found.
    environment.put(ProcessTrees.RELEASE_MARKER, releaseId);
    List<String> command =
        spec.image() != null
            ? containerCommand(spec, releaseId, environment)
            : command(spec, environment);
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(ProcessTrees.detached(command))
              .directory(
                  spec.image() != null ? log.getParent().toFile() : spec.directory().toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectErrorStream(true);
      builder.environment().clear();
      builder.environment().putAll(environment);
      return builder.start();
    } catch (IOException e) {
      throw new DeploymentException("cannot start " + spec + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@code podman run} of the release's image. The container gets the spec's variables, {@code
   * PORT} and the release mark by name: their values stay in podman's environment.
   */
  private List<String> containerCommand(
      ReleaseSpec spec, String releaseId, Map<String, String> environment) {
    if (containers == null || containers.unavailable().isPresent()) {
      throw new DeploymentException(
          "cannot start "
              + spec
              + ": it is a container image and "
              + (containers == null
                  ? "this Cairn runs no containers"
                  : containers.unavailable().get()));
    }
    List<String> names = new ArrayList<>(spec.env().keySet());
    names.add("PORT");
    names.add(ProcessTrees.RELEASE_MARKER);
    String image = spec.image().startsWith("sha256:") ? spec.image().substring(7) : spec.image();
    return containers.runCommand(
        containerName(releaseId),
        List.of(Podman.RELEASE_LABEL + "=" + releaseId),
        names,
        image,
        spec.command());
  }

  static String containerName(String releaseId) {
    return "cairn-" + releaseId;
  }

  /**
   * Stops a release: its container first when it is one (SIGTERM, then SIGKILL after the grace
   * time; also a container whose podman process was killed alone), then its process tree, then
   * whatever is left marked with its id or last seen in its tree.
   *
   * @param container whether the release is a container
   * @param process its first process, when it still runs
   * @param seen the processes last seen in its tree, or null
   */
  void kill(
      String releaseId,
      boolean container,
      Optional<ProcessHandle> process,
      List<ProcessHandle> seen) {
    Duration grace = options.stopGrace();
    if (container && containers != null) {
      containers.removeRelease(releaseId, grace);
    }
    process.ifPresent(p -> ProcessTrees.killTree(p, grace));
    ProcessTrees.killLeftovers(releaseId, seen, grace);
  }

  /** The release's command, sandboxed when it can be. */
  private List<String> command(ReleaseSpec spec, Map<String, String> environment) {
    List<String> command = List.of("/bin/sh", "-c", spec.command());
    if (!isolated()) {
      return command;
    }
    // Its home is hidden: what it writes there goes to its private /tmp.
    environment.put("HOME", "/tmp");
    return sandbox.get().wrapRelease(spec.directory(), environment.get("PATH"), command);
  }

  /** A new release id: the commit's first 12 characters and 6 random hex digits. */
  static String newId(SecureRandom random, String commit) {
    String shortCommit =
        commit == null ? "nocommit" : commit.substring(0, Math.min(12, commit.length()));
    byte[] bytes = new byte[3];
    random.nextBytes(bytes);
    return (shortCommit + "-" + HexFormat.of().formatHex(bytes)).replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /** A free port on 127.0.0.1 that is none of {@code taken} ({@link LoopbackPorts#pick}). */
  static int freePort(Set<Integer> taken) {
    try {
      return LoopbackPorts.pick(taken);
    } catch (IOException e) {
      throw new DeploymentException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
