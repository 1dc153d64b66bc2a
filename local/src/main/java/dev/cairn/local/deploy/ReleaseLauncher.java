package dev.cairn.local.deploy;

import dev.cairn.local.job.Bubblewrap;
import dev.cairn.pipeline.port.ReleaseSpec;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Starts a release's process: detached, sandboxed where bubblewrap works, with a small base
 * environment (PATH, HOME, LANG, JAVA_HOME, TZ when set), then the spec's variables, then {@code
 * PORT}; Cairn's other variables (which may hold credentials) are not passed on. The release's side
 * of {@link ProcessDeployer}, shared by a first start and a restart.
 */
final class ReleaseLauncher {
  private static final List<String> BASE_ENV = List.of("PATH", "HOME", "LANG", "JAVA_HOME", "TZ");

  /** The size of a sandboxed release's private /tmp. */
  private static final long RELEASE_TMP_BYTES = 512L * 1024 * 1024;

  private final ProcessDeployer.Options options;
  private Optional<Bubblewrap> sandbox;

  ReleaseLauncher(ProcessDeployer.Options options) {
    this.options = options;
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
    List<String> command = command(spec, environment);
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(ProcessTrees.detached(command))
              .directory(spec.directory().toFile())
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

  /** A free port on 127.0.0.1 that is none of {@code taken}. */
  static int freePort(Set<Integer> taken) {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (!taken.contains(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new DeploymentException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
      }
    }
    throw new DeploymentException("cannot find a free port on 127.0.0.1");
  }
}
