package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as pipeline files write them: a number and a unit ({@code ms}, {@code s}, {@code m},
 * {@code h}), or several such parts from the largest unit to the smallest ({@code 1h30m}).
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
  private static final String ORDER = "h m s ms";

  private Durations() {}

  /** The duration, or empty when the text is not one (units must not repeat or go upwards). */
  public static Optional<Duration> parse(String text) {
    Matcher m = PART.matcher(text);
    Duration total = Duration.ZERO;
    int at = 0;
    int lastUnit = -1;
    while (at < text.length()) {
      if (!m.find(at) || m.start() != at) {
        return Optional.empty();
      }
      int unit = java.util.List.of(ORDER.split(" ")).indexOf(m.group(2));
      if (unit <= lastUnit) {
        return Optional.empty();
      }
      lastUnit = unit;
      long amount = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMillis(amount);
              });
      at = m.end();
    }
    return at == 0 ? Optional.empty() : Optional.of(total);
  }

  /** The duration in the pipeline file's notation, e.g. {@code 1h30m} or {@code 500ms}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (minutes > 0) {
      out.append(minutes).append('m');
    }
    if (seconds > 0) {
      out.append(seconds).append('s');
    }
    if (millis > 0) {
      out.append(millis).append("ms");
    }
    return out.toString();
  }
}
