package dev.cairn.local.job;

import java.time.Duration;

/** Deadlines and durations of jobs and steps. */
final class JobTimes {
  private JobTimes() {}

  /** {@code now} plus the limit, in {@link System#nanoTime()} terms; no limit is never. */
  static long deadline(long now, Duration limit) {
    if (limit == null) {
      return Long.MAX_VALUE;
    }
    long nanos;
    try {
      nanos = limit.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
    return nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
  }

  /** A duration as people write it: 1s, 1m30s, 2h. */
  static String human(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    StringBuilder text = new StringBuilder();
    if (d.toHours() > 0) {
      text.append(d.toHours()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      text.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0 || text.isEmpty()) {
      text.append(d.toSecondsPart()).append('s');
    }
    return text.toString();
  }
}
