package dev.cairn.local.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Builds bubblewrap command lines: read-only system, private /tmp, one writable workspace. */
final class Bubblewrap {
  private static final long PROBE_SECONDS = 10;

  private final Path executable;
  private final List<Path> hidden;

  Bubblewrap(Path executable, List<Path> hidden) {
    this.executable = executable;
    this.hidden = hidden;
  }

  /**
   * The command that runs {@code command} sandboxed. Mount order matters: bubblewrap applies them
   * in sequence, so the hidden paths are covered before the workspace (usually inside Cairn's own
   * directory) is bound back on top.
   */
  List<String> wrap(Path workspace, boolean network, List<String> command) {
    List<String> args = new ArrayList<>();
    args.add(executable.toString());
    args.addAll(List.of("--ro-bind", "/", "/"));
    args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
    if (!network) {
      // Unix sockets (databases, container daemons) are reachable through a read-only mount too.
      for (String run : List.of("/run", "/var/run")) {
        Path path = Path.of(run);
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          args.addAll(List.of("--tmpfs", run));
        }
      }
    }
    for (Path given : hidden) {
      Path path = realPath(given);
      if (Files.isDirectory(path)) {
        args.addAll(List.of("--tmpfs", path.toString()));
      } else if (Files.exists(path)) {
        args.addAll(List.of("--ro-bind", "/dev/null", path.toString()));
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
    args.addAll(List.of("--die-with-parent", "--new-session"));
    args.addAll(command);
    return args;
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
