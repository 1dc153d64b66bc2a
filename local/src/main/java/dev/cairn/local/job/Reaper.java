package dev.cairn.local.job;

import java.util.List;
import java.util.function.Supplier;

/**
 * Waits for killed processes to disappear. {@link ProcessHandle#onExit()} of a process that is not
 * our child is polled by the JDK at intervals of up to seconds; this polls with a short backoff.
 */
final class Reaper {
  private Reaper() {}

  /**
   * Signals the processes {@code members} returns with SIGKILL until it returns none.
   *
   * @return true when none are left; false when some survived until {@code deadlineNanos}
   */
  static boolean killUntilGone(Supplier<List<ProcessHandle>> members, long deadlineNanos) {
    long pauseMillis = 1;
    while (true) {
      List<ProcessHandle> alive = members.get().stream().filter(ProcessHandle::isAlive).toList();
      if (alive.isEmpty()) {
        return true;
      }
      if (System.nanoTime() > deadlineNanos) {
        return false;
      }
      alive.forEach(ProcessHandle::destroyForcibly);
      try {
        Thread.sleep(pauseMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pauseMillis = Math.min(pauseMillis * 2, 50);
    }
  }
}
