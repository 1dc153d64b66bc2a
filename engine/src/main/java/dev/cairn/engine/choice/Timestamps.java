package dev.cairn.engine.choice;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads timestamps the way the Amazon States Language defines them: RFC 3339 with an uppercase
 * {@code T} between date and time and an uppercase {@code Z} or a numeric offset, e.g. {@code
 * 2016-03-14T01:59:00Z} or {@code 2016-03-14T01:59:00.123+01:00}. A date alone, a time without a
 * zone or a lowercase separator is not a timestamp.
 */
public final class Timestamps {
  private static final int MAX_FRACTION_DIGITS = 9;

  private Timestamps() {}

  /**
   * Parses a timestamp.
   *
   * @return the instant, or null when the text is not a timestamp (so callers can treat a
   *     non-timestamp like a value of the wrong type without paying for an exception)
   */
  public static Instant parse(String text) {
    // Hand-written rather than DateTimeFormatter: it is on the hot path of every Timestamp*Path
    // comparison, and the formatter is both slower and more lenient than the language allows.
    int length = text.length();
    if (length < 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    int position = 19;
    int nanos = 0;
    if (text.charAt(position) == '.') {
      int start = ++position;
      while (position < length && isDigit(text.charAt(position))) {
        position++;
      }
      int count = position - start;
      if (count == 0 || count > MAX_FRACTION_DIGITS) {
        return null;
      }
      nanos = digits(text, start, count);
      for (int i = count; i < MAX_FRACTION_DIGITS; i++) {
        nanos *= 10;
      }
    }
    ZoneOffset offset = offset(text, position);
    if (offset == null) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(offset);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static ZoneOffset offset(String text, int position) {
    int remaining = text.length() - position;
    if (remaining == 1 && text.charAt(position) == 'Z') {
      return ZoneOffset.UTC;
    }
    if (remaining != 6 || text.charAt(position + 3) != ':') {
      return null;
    }
    char sign = text.charAt(position);
    int hours = digits(text, position + 1, 2);
    int minutes = digits(text, position + 4, 2);
    if ((sign != '+' && sign != '-') || hours < 0 || minutes < 0) {
      return null;
    }
    try {
      return sign == '+'
          ? ZoneOffset.ofHoursMinutes(hours, minutes)
          : ZoneOffset.ofHoursMinutes(-hours, -minutes);
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** The decimal value of {@code count} digits at {@code start}, or -1 if one is not a digit. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
