package dev.cairn.engine.store;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The text form of the instants the SQLite store keeps: UTC with all nine fraction digits, e.g.
 * {@code 2026-12-07T12:00:00.000000000Z}. Readable in the sqlite3 shell, and (unlike {@link
 * Instant#toString()}, whose fraction length varies) sorting as text in time order, which listing
 * executions relies on.
 *
 * <p>Written by hand rather than with a {@link DateTimeFormatter}: every event stored has a
 * timestamp, and the formatter's general machinery cost more per event than the rest of the event's
 * encoding but its JSON.
 */
final class InstantText {
  private static final DateTimeFormatter FORMATTER =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private InstantText() {}

  static String format(Instant instant) {
    char[] c = new char[LENGTH];
    if (!secondInto(c, instant.getEpochSecond())) {
      return FORMATTER.format(instant); // outside four-digit years: the general formatter's rules
    }
    nanoInto(c, instant.getNano());
    return new String(c);
  }

  /** The length of the text of an instant in a four-digit year. */
  static final int LENGTH = 30;

  /**
   * Formats instants into one reused array, and formats the date and time of day only when the
   * second changes: the events of one append mostly fall within the same second, so most of them
   * cost the nine digits of their fraction. Not thread-safe.
   */
  static final class Buffer {
    /** The text of the last instant formatted ({@link #LENGTH} chars). */
    final char[] chars = new char[LENGTH];

    private long second = Long.MIN_VALUE;

    /**
     * Formats {@code instant} into {@link #chars}.
     *
     * @return false, leaving {@link #chars} undefined, outside four-digit years (then use {@link
     *     InstantText#format})
     */
    boolean format(Instant instant) {
      long epochSecond = instant.getEpochSecond();
      if (epochSecond != second) {
        if (!secondInto(chars, epochSecond)) {
          second = Long.MIN_VALUE;
          return false;
        }
        second = epochSecond;
      }
      nanoInto(chars, instant.getNano());
      return true;
    }
  }

  /** Writes the text up to the fraction; false outside four-digit years. */
  private static boolean secondInto(char[] c, long epochSecond) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 1000 || year > 9999) {
      return false;
    }
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, t.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, t.getHour(), 2);
    c[13] = ':';
    digits(c, 14, t.getMinute(), 2);
    c[16] = ':';
    digits(c, 17, t.getSecond(), 2);
    c[19] = '.';
    c[29] = 'Z';
    return true;
  }

  private static void nanoInto(char[] c, int nano) {
    digits(c, 20, nano, 9);
  }

  /**
   * Reads the text {@link #format} writes, by hand for the same reason (a Map's history has tens of
   * thousands of timestamps); any other ISO-8601 instant through {@link Instant#parse}.
   */
  static Instant parse(String text) {
    if (text.length() != 30
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(19) != '.'
        || text.charAt(29) != 'Z') {
      return Instant.parse(text);
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int nano = number(text, 20, 9);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || nano < 0) {
      return Instant.parse(text); // not digits where digits belong: its error message
    }
    try {
      return Instant.ofEpochSecond(
          LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC),
          nano);
    } catch (DateTimeException e) {
      return Instant.parse(text); // out of range (month 13, February 30): its error message
    }
  }

  /** The decimal number of {@code width} digits at {@code at}, or -1 if one is not a digit. */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
