package dev.cairn.local.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A process recorded in a state file: its pid and start time, so that a pid reused by another
 * process after a reboot or a crash is not mistaken for ours.
 *
 * @param pid the process id
 * @param started when the process started (ISO-8601), or null when the system did not say
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ProcessRef(long pid, String started) {
  /** Start times come from /proc in clock ticks; readings of one process agree within a tick. */
  private static final Duration SAME_START = Duration.ofSeconds(1);

  static ProcessRef of(ProcessHandle handle) {
    return new ProcessRef(
        handle.pid(), handle.info().startInstant().map(Instant::toString).orElse(null));
  }

  /** The process, when it still runs and is the one recorded. */
  Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h -> {
              if (started == null) {
                return true;
              }
              return h.info()
                  .startInstant()
                  .map(
                      s ->
                          Duration.between(s, Instant.parse(started)).abs().compareTo(SAME_START)
                              <= 0)
                  .orElse(true);
            });
  }

  boolean alive() {
    return handle().isPresent();
  }
}
