package dev.cairn.local.job;

import java.util.Optional;

/**
 * How isolated the steps of a {@link LocalJobExecutor} run on this machine.
 *
 * @param sandboxed steps run inside bubblewrap
 * @param limited steps run inside cgroup limits (memory, CPU, process count)
 * @param warning the one line shown in every job's output when either is missing, or null
 */
public record Isolation(boolean sandboxed, boolean limited, String warning) {
  /** The warning line, if isolation is incomplete. */
  public Optional<String> warningLine() {
    return Optional.ofNullable(warning);
  }
}
