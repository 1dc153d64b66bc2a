package dev.cairn.engine.store;

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
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 1000 || year > 9999) {
      return FORMATTER.format(instant); // outside four-digit years: the general formatter's rules
    }
    char[] c = new char[30];
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
    digits(c, 20, instant.getNano(), 9);
    c[29] = 'Z';
    return new String(c);
  }

  /** Writes {@code value} as {@code width} decimal digits, zero-padded, at {@code at}. */
  private static void digits(char[] c, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
