package dev.cairn.engine.definition;

import java.util.List;

/**
 * One element of a state's {@code Retry} array.
 *
 * @param errorEquals the error names it applies to ({@code States.ALL} matches all but {@code
 *     States.Runtime})
 * @param intervalSeconds seconds before the first retry (default 1)
 * @param maxAttempts retries at most (default 3; 0 never retries)
 * @param backoffRate multiplier of the interval per attempt (default 2.0)
 * @param maxDelaySeconds upper bound of one interval, or null for none
 * @param jitter whether intervals are randomised ({@code FULL}) or not ({@code NONE}, the default)
 */
public record Retrier(
    List<String> errorEquals,
    int intervalSeconds,
    int maxAttempts,
    double backoffRate,
    Integer maxDelaySeconds,
    Jitter jitter) {
  /** The JitterStrategy of a retrier. */
  public enum Jitter {
    NONE,
    FULL
  }

  public Retrier {
    errorEquals = List.copyOf(errorEquals);
  }
}
