package dev.cairn.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times given on the command line: an instant ({@code 2026-11-01T10:00:00Z}), a UTC date ({@code
 * 2026-11-01}, meaning its midnight), or a duration ago ({@code 30d}, {@code 12h}, {@code 90m},
 * {@code 2w}).
 */
final class TimeArguments {
  private static final Pattern AGO = Pattern.compile("(\\d+)([smhdw])");

  private TimeArguments() {}

  static Instant parse(String option, String text, Instant now) {
    String t = text.strip();
    Matcher ago = AGO.matcher(t);
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration d =
          switch (ago.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
      return now.minus(d);
    }
    try {
      return t.length() == 10
          ? LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(t);
    } catch (DateTimeParseException e) {
      throw new UserInputException(
          option
              + ": '"
              + text
              + "' is not a date (2026-11-01), an instant (2026-11-01T10:00:00Z) or a duration"
              + " ago (30d, 12h, 90m, 2w)");
    }
  }
}
