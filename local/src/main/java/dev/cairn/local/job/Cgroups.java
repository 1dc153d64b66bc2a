package dev.cairn.local.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-step control groups with memory, CPU and process-count limits.
 *
 * <ul>
 *   <li>cgroup v1 (separate hierarchies): {@code <root>/<controller>/cairn/<step>} for the memory,
 *       cpu and pids controllers.
 *   <li>cgroup v2 (one unified hierarchy, recognised by {@code <root>/cgroup.controllers}): {@code
 *       <root>/cairn/<step>}, with the controllers enabled in {@code cairn}'s parent and in {@code
 *       cairn} itself ({@code cgroup.subtree_control}), and {@code memory.max}, {@code cpu.max},
 *       {@code pids.max}. That needs write access to the root's {@code cgroup.subtree_control}
 *       (Cairn runs as root) or a {@code cairn} group delegated to Cairn's user with its
 *       controllers enabled; otherwise the probe says why and steps run without limits.
 * </ul>
 *
 * <p>Killing means signalling every member until none is left (v1 has no {@code cgroup.kill}).
 */
final class Cgroups {
  static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
  private static final String ENABLE = "+memory +cpu +pids";
  private static final long CFS_PERIOD_MICROS = 100_000;
  private static final long EMPTY_WAIT_MILLIS = 5_000;

  private final Path root;
  private final LocalJobExecutor.Options options;

  Cgroups(Path root, LocalJobExecutor.Options options) {
    this.root = root;
    this.options = options;
  }

  /** Whether the root is a cgroup v2 (unified) hierarchy. */
  boolean unified() {
    return Files.isRegularFile(root.resolve("cgroup.controllers"));
  }

  /** Empty if limits can be applied here; else why not, for the warning. */
  Optional<String> probe() {
    if (unified()) {
      return probeUnified();
    }
    for (String controller : CONTROLLERS) {
      if (!Files.isDirectory(root.resolve(controller))) {
        return Optional.of(root.resolve(controller) + " does not exist");
      }
    }
    Group probe = null;
    try {
      probe = create("probe-" + ProcessHandle.current().pid());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          "cannot create control groups under " + root + " (" + e.getMessage() + ")");
    } finally {
      if (probe != null) {
        probe.remove();
      }
    }
  }

  private Optional<String> probeUnified() {
    try {
      String available = Files.readString(root.resolve("cgroup.controllers"));
      for (String controller : CONTROLLERS) {
        if (!List.of(available.trim().split("\\s+")).contains(controller)) {
          return Optional.of("the cgroup v2 controller " + controller + " is not available");
        }
      }
    } catch (IOException e) {
      return Optional.of("cannot read " + root.resolve("cgroup.controllers"));
    }
    Group probe = null;
    try {
      probe = create("probe-" + ProcessHandle.current().pid());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(
          "cannot create cgroup v2 groups under "
              + root.resolve("cairn")
              + " ("
              + e.getMessage()
              + ")");
    } finally {
      if (probe != null) {
        probe.remove();
      }
    }
  }

  /** Creates a group with the configured limits. */
  Group create(String name) throws IOException {
    return unified() ? createUnified(name) : createPerController(name);
  }

  private Group createUnified(String name) throws IOException {
    Path parent = root.resolve("cairn");
    if (!Files.isDirectory(parent)) {
      // The root's controllers must reach cairn, and cairn's its children.
      write(root, "cgroup.subtree_control", ENABLE);
      Files.createDirectories(parent);
    }
    write(parent, "cgroup.subtree_control", ENABLE);
    Path dir = parent.resolve(name);
    Files.createDirectories(dir);
    Group group = new Group(List.of(dir), true);
    try {
      write(dir, "memory.max", Long.toString(options.memoryBytes()));
      // No swap either: otherwise memory.max only moves pages out.
      writeIfPresent(dir, "memory.swap.max", "0");
      write(
          dir,
          "cpu.max",
          Math.max(1_000, Math.round(options.cpus() * CFS_PERIOD_MICROS))
              + " "
              + CFS_PERIOD_MICROS);
      write(dir, "pids.max", Integer.toString(options.maxProcesses()));
      return group;
    } catch (IOException e) {
      group.remove();
      throw e;
    }
  }

  private Group createPerController(String name) throws IOException {
    List<Path> dirs = new ArrayList<>();
    Group group = new Group(dirs, false);
    try {
      for (String controller : CONTROLLERS) {
        Path dir = root.resolve(controller).resolve("cairn").resolve(name);
        Files.createDirectories(dir);
        dirs.add(dir);
      }
      write(dirs.get(0), "memory.limit_in_bytes", Long.toString(options.memoryBytes()));
      write(dirs.get(1), "cpu.cfs_period_us", Long.toString(CFS_PERIOD_MICROS));
      write(
          dirs.get(1),
          "cpu.cfs_quota_us",
          Long.toString(Math.max(1_000, Math.round(options.cpus() * CFS_PERIOD_MICROS))));
      write(dirs.get(2), "pids.max", Integer.toString(options.maxProcesses()));
      return group;
    } catch (IOException e) {
      group.remove();
      throw e;
    }
  }

  private static void writeIfPresent(Path dir, String file, String value) throws IOException {
    if (Files.exists(dir.resolve(file))) {
      write(dir, file, value);
    }
  }

  private static void write(Path dir, String file, String value) throws IOException {
    try {
      Files.writeString(dir.resolve(file), value, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IOException("cannot write " + dir.resolve(file) + ": " + e.getMessage(), e);
    }
  }

  /** One step's group, in every controller. */
  static final class Group {
    private final List<Path> dirs;
    private final boolean unified;

    private Group(List<Path> dirs, boolean unified) {
      this.dirs = dirs;
      this.unified = unified;
    }

    /** The {@code cgroup.procs} files a process writes its pid into to join the group. */
    List<Path> procsFiles() {
      return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }

    /** True when the memory controller killed a process for exceeding the limit. */
    boolean hitMemoryLimit() {
      if (dirs.isEmpty()) {
        return false;
      }
      try {
        String file = unified ? "memory.events" : "memory.oom_control";
        for (String line : Files.readAllLines(dirs.get(0).resolve(file))) {
          if (line.startsWith("oom_kill ") && !line.equals("oom_kill 0")) {
            return true;
          }
        }
        return false;
      } catch (IOException e) {
        return false;
      }
    }

    /** Kills every process in the group and waits (bounded) until the group is empty. */
    void killAll() {
      Reaper.killUntilGone(
          () -> members().stream().map(ProcessHandle::of).flatMap(Optional::stream).toList(),
          System.nanoTime() + EMPTY_WAIT_MILLIS * 1_000_000);
    }

    private List<Long> members() {
      List<Long> pids = new ArrayList<>();
      for (Path dir : dirs) {
        try {
          for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
            if (!line.isBlank()) {
              pids.add(Long.parseLong(line.trim()));
            }
          }
        } catch (IOException | NumberFormatException e) {
          // A group that cannot be read has no members we could signal.
        }
      }
      return pids;
    }

    /** Kills what is left and removes the group's directories. */
    void remove() {
      killAll();
      for (Path dir : dirs) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // Busy until the last member has been reaped; harmless leftover, the name is unique.
        }
      }
    }
  }
}
