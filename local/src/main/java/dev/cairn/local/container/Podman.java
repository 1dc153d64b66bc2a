package dev.cairn.local.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Podman command line as Cairn uses it: how a release or a one-off container is run (the same
 * isolation for both), and removing a release's containers by its label. Found on the {@code PATH};
 * {@link #unavailable()} says why container releases cannot run here.
 *
 * <p>Every container Cairn starts has:
 *
 * <ul>
 *   <li>{@code --network=host}: it listens on {@code $PORT} on 127.0.0.1 behind the environment's
 *       proxy and reaches the environment's services on loopback, as a process release does;
 *   <li>{@code --cap-drop=ALL --security-opt=no-new-privileges --pids-limit --read-only} (with a
 *       private, writable {@code /tmp}): the repository's code stays untrusted; nothing of the host
 *       is mounted, so nothing of CAIRN_HOME is visible;
 *   <li>its environment passed by name only ({@code -e NAME}): the values travel in the podman
 *       process's own environment, never on a command line ({@code ps} shows command lines);
 *   <li>{@code --ulimit nofile/nproc} at Cairn's own hard limits: Podman's defaults for root exceed
 *       the hard limits of many machines and the container then fails with {@code setrlimit ...
 *       operation not permitted};
 *   <li>{@code --log-driver=passthrough}: its output goes straight to the file or pipe Cairn gave
 *       the podman process, where a process release's output goes;
 *   <li>{@code --init} (where catatonit is installed) so that SIGTERM reaches an application that
 *       does not handle signals as PID 1.
 * </ul>
 */
public final class Podman {
  /** The label naming the release a container runs, like {@code CAIRN_RELEASE_ID} for processes. */
  public static final String RELEASE_LABEL = "cairn.release";

  /** The label naming the git tree an image was built from. */
  public static final String TREE_LABEL = "cairn.tree";

  /** The pids limit of every container (a fork bomb stops there). */
  static final int PIDS_LIMIT = 1024;

  private static final Path CATATONIT = Path.of("/usr/libexec/podman/catatonit");

  private final Path executable;
  private final String runtime;

  private Podman(Path executable, String runtime) {
    this.executable = executable;
    this.runtime = runtime;
  }

  /**
   * Podman as found on the {@code PATH}. The OCI runtime is {@code runc} where installed (crun,
   * Podman's default on Debian, refuses hosts with cgroups in hybrid mode); {@code
   * CAIRN_OCI_RUNTIME} names another one.
   */
  public static Podman fromPath() {
    String override = System.getenv("CAIRN_OCI_RUNTIME");
    String runtime =
        override != null && !override.isBlank()
            ? override
            : onPath("runc").map(Path::toString).orElse(null);
    return new Podman(onPath("podman").orElse(null), runtime);
  }

  /** Why containers cannot run here, or empty when Podman and an OCI runtime are installed. */
  public Optional<String> unavailable() {
    if (executable == null) {
      return Optional.of(
          "Podman is not installed (on Debian: apt-get install podman runc; see"
              + " docs/containers.md)");
    }
    if (runtime == null && onPath("crun").isEmpty()) {
      return Optional.of("no OCI runtime is installed (apt-get install runc)");
    }
    return Optional.empty();
  }

  /** {@code podman} and its global options. */
  List<String> base() {
    List<String> command = new ArrayList<>();
    command.add(executable == null ? "podman" : executable.toString());
    if (runtime != null) {
      command.add("--runtime");
      command.add(runtime);
    }
    return command;
  }

  /**
   * The command that runs a container in the foreground with the releases' isolation: the podman
   * process lives as long as the container and its output is the container's.
   *
   * @param name the container's name (replaced if it exists: a restart of the same release)
   * @param labels {@code key=value} labels
   * @param envNames the names of the variables to pass; their values must be in the podman
   *     process's environment
   * @param image the image
   * @param command the shell command that replaces the image's own, or null to run the image's
   */
  public List<String> runCommand(
      String name, List<String> labels, Collection<String> envNames, String image, String command) {
    List<String> argv = base();
    argv.addAll(
        List.of(
            "run",
            "--rm",
            "--replace",
            "--name",
            name,
            "--network=host",
            "--cap-drop=ALL",
            "--security-opt=no-new-privileges",
            "--pids-limit=" + PIDS_LIMIT,
            "--read-only",
            "--log-driver=passthrough",
            "--pull=never"));
    if (Files.isExecutable(CATATONIT)) {
      argv.add("--init");
    }
    for (String limit : ulimits()) {
      argv.add("--ulimit");
      argv.add(limit);
    }
    for (String label : labels) {
      argv.add("--label");
      argv.add(label);
    }
    for (String env : envNames) {
      argv.add("-e");
      argv.add(env);
    }
    if (command != null) {
      argv.add("--entrypoint");
      argv.add("/bin/sh");
      argv.add(image);
      argv.add("-c");
      argv.add(command);
    } else {
      argv.add(image);
    }
    return argv;
  }

  /**
   * Removes every container labelled with the release (SIGTERM, then SIGKILL after {@code grace}),
   * whether it still runs or not: what a release left behind when its podman process was killed
   * alone still holds its port.
   */
  public void removeRelease(String releaseId, Duration grace) {
    List<String> argv = base();
    argv.addAll(
        List.of(
            "rm",
            "--force",
            "--ignore",
            "--time",
            Long.toString(Math.max(0, grace.toSeconds())),
            "--filter",
            "label=" + RELEASE_LABEL + "=" + releaseId));
    quiet(argv, grace.plusSeconds(30));
  }

  /** Removes a container by name, if it exists. */
  void removeContainer(String name) {
    List<String> argv = base();
    argv.addAll(List.of("rm", "--force", "--ignore", "--time", "0", name));
    quiet(argv, Duration.ofSeconds(30));
  }

  /** Runs a podman command to its end and returns its standard output, or empty when it failed. */
  Optional<String> output(List<String> argv, Duration timeout) {
    try {
      Process process =
          new ProcessBuilder(argv)
              .redirectErrorStream(false)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.empty();
      }
      return process.exitValue() == 0
          ? Optional.of(new String(out, StandardCharsets.UTF_8).strip())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void quiet(List<String> argv, Duration timeout) {
    output(argv, timeout);
  }

  /**
   * The most {@code nproc} a container gets. conmon, which starts the container, may run with a
   * lower hard limit than Cairn (32768 on the machine this was written on, whatever Cairn's own),
   * and a container asking for more fails with {@code setrlimit ... operation not permitted}. The
   * pids limit bounds a container's processes anyway.
   */
  static final long MAX_NPROC = 16384;

  /** The most {@code nofile} a container gets (Podman's own default for root). */
  static final long MAX_NOFILE = 1048576;

  /**
   * {@code nofile} and {@code nproc} at this process's hard limits (read from /proc), at most
   * {@link #MAX_NOFILE} and {@link #MAX_NPROC}: within what the runtime may set.
   */
  static List<String> ulimits() {
    List<String> limits = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        String name =
            line.startsWith("Max open files")
                ? "nofile"
                : line.startsWith("Max processes") ? "nproc" : null;
        if (name == null) {
          continue;
        }
        String[] parts = line.substring(26).trim().split("\\s+");
        if (parts.length >= 2 && parts[1].matches("\\d{1,18}")) {
          long limit =
              Math.min(Long.parseLong(parts[1]), name.equals("nproc") ? MAX_NPROC : MAX_NOFILE);
          limits.add(name + "=" + limit + ":" + limit);
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: Podman's defaults, which work where they are within the hard limits.
    }
    return limits;
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    List<String> dirs =
        new ArrayList<>(List.of((path == null ? "" : path).split(java.io.File.pathSeparator)));
    // Root's PATH may miss the sbin directories; runc lives in /usr/sbin on some systems.
    dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
