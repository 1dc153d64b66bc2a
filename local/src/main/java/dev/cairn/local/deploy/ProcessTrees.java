package dev.cairn.local.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
   * Kills what a release's first process left behind when it died (its children live on, holding
   * the port, when only the sandbox's first process was killed), as last seen alive.
   *
   * @param left the processes last seen in the release's tree, or null when none were seen
   */
  static void killLeftovers(List<ProcessHandle> left, Duration grace) {
    if (left == null) {
      return;
    }
    left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    left.forEach(p -> waitForExit(p, grace));
  }
}
