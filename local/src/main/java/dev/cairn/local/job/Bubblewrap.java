package dev.cairn.local.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Builds bubblewrap command lines: only what a build needs, read-only (the system's programs and
 * libraries, {@code /etc}, {@code /opt}, the toolchains on the PATH), a private size-capped {@code
 * /tmp}, and one writable workspace. Not the user's home ({@code ~/.ssh}, {@code ~/.aws}, {@code
 * ~/.git-credentials}), not {@code /run} (the Docker socket, the user's D-Bus), not Cairn's state.
 */
public final class Bubblewrap {
  private static final long PROBE_SECONDS = 10;

  /**
   * The system's programs, libraries and configuration: what any build runs on. {@code /sys} (read
   * only) lets runtimes such as the JVM see their cgroup's limits and size themselves to them.
   */
  static final List<String> SYSTEM =
      List.of(
          "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/nix",
          "/sys");

  /**
   * Directories of the home that hold credentials or session state: a PATH entry inside one is
   * exposed alone, never the whole directory.
   */
  private static final Set<String> PRIVATE_HOME_DIRS =
      Set.of(
          ".ssh",
          ".aws",
          ".gnupg",
          ".config",
          ".local",
          ".docker",
          ".kube",
          ".azure",
          ".gcloud",
          ".password-store",
          ".m2",
          ".gradle",
          ".npm",
          ".cairn");

  /** Offline caches builds read (never their settings, which may hold credentials). */
  private static final List<String> HOME_CACHES =
      List.of(".m2/repository", ".gradle/caches", ".cargo/registry", ".cargo/git", ".npm/_cacache");

  /** Credential files inside exposed toolchain directories, covered by an empty file. */
  private static final List<String> HOME_CREDENTIAL_FILES =
      List.of(".cargo/credentials", ".cargo/credentials.toml", ".pyenv/.netrc");

  private final Path executable;
  private final List<Path> hidden;
  private final List<Path> shared;
  private final Path home;
  private final long tmpBytes;

  /**
   * @param shared directories bound read-write (an operator's explicit choice, e.g. a cache)
   * @param home the user's home, hidden but for toolchains on the PATH and offline caches
   * @param tmpBytes the size of the sandbox's private {@code /tmp}
   */
  Bubblewrap(Path executable, List<Path> hidden, List<Path> shared, Path home, long tmpBytes) {
    this.executable = executable;
    this.hidden = hidden;
    this.shared = shared;
    this.home = home;
    this.tmpBytes = tmpBytes;
  }

  List<String> wrap(Path workspace, boolean network, List<String> command) {
    return wrap(workspace, network, System.getenv("PATH"), command);
  }

  /**
   * The command that runs {@code command} sandboxed. Mount order matters: bubblewrap applies them
   * in sequence, so the hidden paths are covered before the workspace (usually inside Cairn's own
   * directory) is bound back on top.
   *
   * @param path the step's PATH: toolchains under the home it names are made visible read-only
   */
  List<String> wrap(Path workspace, boolean network, String path, List<String> command) {
    return build(workspace, network, path, false, command);
  }

  /**
   * A sandbox for releases (and anything else that must outlive Cairn), or empty when bubblewrap
   * does not work here.
   *
   * @param hidden paths the process must not see (Cairn's own state: other environments, secrets)
   * @param shared directories it may read and write, chosen by whoever runs Cairn
   * @param tmpBytes the size of its private {@code /tmp}
   */
  public static Optional<Bubblewrap> forReleases(
      List<Path> hidden, List<Path> shared, long tmpBytes) {
    Bubblewrap bubblewrap = new Bubblewrap(locate(), hidden, shared, userHome(), tmpBytes);
    return bubblewrap.probe().isEmpty() ? Optional.of(bubblewrap) : Optional.empty();
  }

  /**
   * The command that runs a release: as a build step sees the machine, but with the host's network
   * (it serves on loopback and reaches its services there), in its own PID namespace (it cannot
   * signal Cairn, the proxies or other environments' releases), writable only in {@code directory},
   * and not tied to Cairn's life (it keeps serving while Cairn restarts).
   *
   * @param path the release's PATH: toolchains under the home it names stay visible
   */
  public List<String> wrapRelease(Path directory, String path, List<String> command) {
    return build(directory, true, path, true, command);
  }

  private List<String> build(
      Path workspace, boolean network, String path, boolean detached, List<String> command) {
    List<String> args = new ArrayList<>();
    args.add(executable.toString());
    for (String dir : SYSTEM) {
      args.addAll(List.of("--ro-bind-try", dir, dir));
    }
    // The private /tmp first: later mounts go on top, so a toolchain or cache of a home that lives
    // under /tmp stays visible instead of being covered by it.
    args.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    args.addAll(List.of("--size", Long.toString(tmpBytes), "--tmpfs", "/tmp"));
    args.addAll(List.of("--size", Long.toString(tmpBytes), "--tmpfs", "/var/tmp"));
    for (Path exposed : homeExposures(path)) {
      args.addAll(List.of("--ro-bind-try", exposed.toString(), exposed.toString()));
    }
    for (String file : HOME_CREDENTIAL_FILES) {
      Path credential = home == null ? null : home.resolve(file);
      if (credential != null && Files.isRegularFile(credential, LinkOption.NOFOLLOW_LINKS)) {
        args.addAll(List.of("--ro-bind", "/dev/null", credential.toString()));
      }
    }
    if (network) {
      // /etc/resolv.conf may point into /run (systemd-resolved): only that file comes back.
      resolverOutsideEtc()
          .ifPresent(target -> args.addAll(List.of("--ro-bind-try", target, target)));
    }
    for (Path given : hidden) {
      Path real = realPath(given);
      if (Files.isDirectory(real)) {
        args.addAll(List.of("--tmpfs", real.toString()));
      } else if (Files.exists(real)) {
        args.addAll(List.of("--ro-bind", "/dev/null", real.toString()));
      }
    }
    for (Path given : shared) {
      Path real = realPath(given);
      if (Files.isDirectory(real)) {
        args.addAll(List.of("--bind", real.toString(), real.toString()));
      }
    }
    args.addAll(List.of("--bind", workspace.toString(), workspace.toString()));
    args.addAll(List.of("--chdir", workspace.toString()));
    args.add("--unshare-all");
    if (network) {
      args.add("--share-net");
    }
    // Root outside must not mean root's capabilities inside (e.g. remounting / read-write).
    args.addAll(List.of("--cap-drop", "ALL"));
    if (!detached) {
      args.add("--die-with-parent");
    }
    args.add("--new-session");
    args.addAll(command);
    return args;
  }

  /**
   * The parts of the home a build may read: each toolchain a PATH entry lies in ({@code ~/.pyenv}
   * for {@code ~/.pyenv/shims}; only the entry itself inside a directory that holds credentials,
   * e.g. {@code ~/.local/bin}) and the offline caches of common build tools.
   */
  List<Path> homeExposures(String path) {
    List<Path> exposed = new ArrayList<>();
    if (home == null) {
      return exposed;
    }
    Path realHome = realPath(home);
    if (path != null) {
      for (String entry : path.split(":")) {
        if (entry.isEmpty() || !entry.startsWith("/")) {
          continue;
        }
        Path dir = Path.of(entry).normalize();
        if (!dir.startsWith(realHome) || dir.equals(realHome)) {
          continue;
        }
        String first = realHome.relativize(dir).getName(0).toString();
        Path chosen = PRIVATE_HOME_DIRS.contains(first) ? dir : realHome.resolve(first);
        if (Files.isDirectory(chosen) && !exposed.contains(chosen)) {
          exposed.add(chosen);
        }
      }
    }
    for (String cache : HOME_CACHES) {
      Path dir = realHome.resolve(cache);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !exposed.contains(dir)) {
        exposed.add(dir);
      }
    }
    return exposed;
  }

  private static Optional<String> resolverOutsideEtc() {
    Path resolv = Path.of("/etc/resolv.conf");
    if (!Files.isSymbolicLink(resolv)) {
      return Optional.empty();
    }
    Path target = realPath(resolv);
    return target.startsWith("/etc") ? Optional.empty() : Optional.of(target.toString());
  }

  /** The user's home, or null when it is {@code /} or unknown. */
  static Path userHome() {
    String home = System.getProperty("user.home");
    return home == null || home.isEmpty() || home.equals("/") ? null : Path.of(home);
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path;
    }
  }

  /** Empty when a trivial command runs in the sandbox; else why not, for the warning. */
  Optional<String> probe() {
    if (!Files.isExecutable(executable)) {
      return Optional.of("bubblewrap is not available");
    }
    Path workspace = null;
    try {
      workspace = Files.createTempDirectory("cairn-bwrap-probe");
      Process process =
          new ProcessBuilder(wrap(workspace.toRealPath(), false, List.of("/bin/sh", "-c", "true")))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return Optional.of("bubblewrap did not finish a trial run");
      }
      if (process.exitValue() != 0) {
        String reason =
            new String(out, StandardCharsets.UTF_8).strip().lines().findFirst().orElse("");
        return Optional.of(
            "bubblewrap does not work here ("
                + (reason.isEmpty() ? "exit " + process.exitValue() : reason)
                + ")");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("bubblewrap could not be started (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while trying bubblewrap");
    } finally {
      if (workspace != null) {
        try {
          Files.deleteIfExists(workspace);
        } catch (IOException e) {
          // An empty temporary directory; not worth failing over.
        }
      }
    }
  }

  /** Finds {@code bwrap} on the PATH, or in the usual places. */
  static Path locate() {
    List<Path> candidates = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isEmpty()) {
          candidates.add(Path.of(dir, "bwrap"));
        }
      }
    }
    candidates.add(Path.of("/usr/bin/bwrap"));
    candidates.add(Path.of("/usr/local/bin/bwrap"));
    return candidates.stream()
        .filter(Files::isExecutable)
        .findFirst()
        .orElse(Path.of("/usr/bin/bwrap"));
  }
}
