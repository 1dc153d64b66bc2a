package dev.cairn.local.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Detached process trees: starting them in their own session, waiting for and stopping them. */
final class ProcessTrees {
  private ProcessTrees() {}

  /** Waits for the process to exit, at most {@code duration}; returns early when it does. */
  static void waitForExit(ProcessHandle process, Duration duration) {
    try {
      process.onExit().get(duration.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Still running after the wait: the caller checks again.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException("interrupted", e);
    }
  }

  /** SIGTERM to the process and its descendants, SIGKILL to what is left after the grace time. */
  static void killTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> all = new ArrayList<>();
    root.descendants().forEach(all::add);
    all.add(root);
    all.forEach(ProcessHandle::destroy);
    CompletableFuture<?>[] exits =
        all.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all.forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Runs a command in a new session so that it outlives Cairn and Cairn's terminal. */
  static List<String> detached(List<String> command) {
    if (!Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      return command;
    }
    List<String> result = new ArrayList<>();
    result.add("/usr/bin/setsid");
    result.addAll(command);
    return result;
  }

  /**
   * The environment variable every process of a release carries, with the release's id: bubblewrap
   * and the shell pass it down, so it survives a first process killed alone.
   */
  static final String RELEASE_MARKER = "CAIRN_RELEASE_ID";

  /**
   * Kills what a release's first process left behind when it died (its children live on, holding
   * the port, when only the sandbox's first process was killed): what was last seen in its tree and
   * every process marked with its id, also when no Cairn process saw its tree (killed while {@code
   * serve} was restarting).
   *
   * @param seen the processes last seen in the release's tree, or null when none were seen
   */
  static void killLeftovers(String releaseId, List<ProcessHandle> seen, Duration grace) {
    List<ProcessHandle> left = new ArrayList<>(marked(releaseId));
    if (seen != null) {
      left.addAll(seen);
    }
    left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    left.forEach(p -> waitForExit(p, grace));
  }

  /** The processes whose environment marks them as the release's (see {@link #RELEASE_MARKER}). */
  static List<ProcessHandle> marked(String releaseId) {
    byte[] marker = (RELEASE_MARKER + "=" + releaseId).getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.pid() != ProcessHandle.current().pid())
        .forEach(
            p -> {
              try {
                byte[] environ =
                    Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
                if (containsEntry(environ, marker)) {
                  found.add(p);
                }
              } catch (IOException | RuntimeException e) {
                // Gone meanwhile, or not ours to read: not a process of the release.
              }
            });
    return found;
  }

  /**
   * The topmost of a release's processes, those whose parent is not one of them (the sandbox's
   * namespace init when only its outer {@code bwrap} died), the one with the most of the others
   * below it first: the process that stands for the release once its first one is gone.
   */
  static List<ProcessHandle> roots(List<ProcessHandle> processes) {
    Set<Long> pids = new HashSet<>();
    processes.forEach(p -> pids.add(p.pid()));
    return processes.stream()
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.parent().map(parent -> !pids.contains(parent.pid())).orElse(true))
        .sorted(
            Comparator.comparingLong(
                    (ProcessHandle p) ->
                        p.descendants().filter(d -> pids.contains(d.pid())).count())
                .reversed())
        .toList();
  }

  /** Whether the NUL-separated environment holds {@code entry} as a whole entry. */
  static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length
            && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }
}
