package dev.cairn.local.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-step control groups (cgroups v1: memory, cpu, pids) under {@code <root>/<controller>/cairn}.
 * Version 1 has no {@code cgroup.kill}, so killing means signalling every member until none is
 * left.
 */
final class CgroupV1 {
  static final List<String> CONTROLLERS = List.of("memory", "cpu", "pids");
  private static final long CFS_PERIOD_MICROS = 100_000;
  private static final long EMPTY_WAIT_MILLIS = 5_000;

  private final Path root;
  private final LocalJobExecutor.Options options;

  CgroupV1(Path root, LocalJobExecutor.Options options) {
    this.root = root;
    this.options = options;
  }

  /** Empty if limits can be applied here; else why not, for the warning. */
  Optional<String> probe() {
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

  /** Creates a group with the configured limits. */
  Group create(String name) throws IOException {
    List<Path> dirs = new ArrayList<>();
    Group group = new Group(dirs);
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

    private Group(List<Path> dirs) {
      this.dirs = dirs;
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
        for (String line : Files.readAllLines(dirs.get(0).resolve("memory.oom_control"))) {
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
