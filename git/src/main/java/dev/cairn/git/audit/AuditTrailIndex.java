package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.TrailEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reader's cache of one trail: {@code entries.tsv}, one line per record in trail order, and
 * {@code tip}, the branch tip the first {@code length} bytes of it describe. New commits are
 * appended, then {@code tip} is replaced atomically, so a crash in between leaves bytes past {@code
 * length} that the next reader ignores and overwrites. Nothing in it is authoritative: deleting the
 * directory only costs one full walk.
 */
final class AuditTrailIndex {
  private static final String FORMAT = "cairn-audit-index/1";
  private static final Map<String, AuditEvent> EVENTS = new HashMap<>();

  static {
    for (AuditEvent e : AuditEvent.values()) {
      EVENTS.put(e.wireName(), e);
    }
  }

  /**
   * What the index holds.
   *
   * @param tip the branch tip it describes
   * @param length the bytes of {@code entries.tsv} that belong to it
   * @param entries the entries
   */
  record State(String tip, long length, List<TrailEntry> entries) {}

  private final Path directory;

  AuditTrailIndex(Path directory) {
    this.directory = directory;
  }

  /** The index as last written, or empty when absent or unreadable (then it is rebuilt). */
  Optional<State> read() {
    try {
      Path tipFile = directory.resolve("tip");
      if (!Files.exists(tipFile)) {
        return Optional.empty();
      }
      String[] tip = Files.readString(tipFile, StandardCharsets.UTF_8).strip().split(" ");
      if (tip.length != 3 || !tip[0].equals(FORMAT)) {
        return Optional.empty();
      }
      String[] at = tip[2].split(":");
      long length = Long.parseLong(at[1]);
      byte[] bytes;
      try (var in = Files.newInputStream(directory.resolve("entries.tsv"))) {
        bytes = in.readNBytes((int) length);
      }
      if (bytes.length != length) {
        return Optional.empty();
      }
      List<TrailEntry> entries = parse(new String(bytes, StandardCharsets.UTF_8));
      return Optional.of(new State(tip[1], length, entries));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Writes new entries after the first {@code fromLength} bytes and records the new tip.
   *
   * @return the new length
   */
  long append(long fromLength, List<TrailEntry> added, String tip) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve("entries.tsv");
    StringBuilder text = new StringBuilder(added.size() * 320);
    for (TrailEntry e : added) {
      line(text, e);
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    try (var channel =
        java.nio.channels.FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      channel.truncate(fromLength);
      channel.position(fromLength);
      var buffer = java.nio.ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
    long length = fromLength + bytes.length;
    Path temp = directory.resolve("tip.tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      out.write((FORMAT + " " + tip + " length:" + length + "\n").getBytes(StandardCharsets.UTF_8));
    }
    Files.move(
        temp,
        directory.resolve("tip"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    return length;
  }

  private static void line(StringBuilder out, TrailEntry e) {
    field(out, e.auditCommit());
    field(out, e.id());
    field(out, e.event().wireName());
    field(out, Long.toString(e.occurredAt().toEpochMilli()));
    field(out, e.environment());
    field(out, e.commit());
    field(out, e.run());
    field(out, e.artifact());
    field(out, e.error());
    field(out, e.rolledBackTo());
    field(out, e.supersededBy());
    field(out, e.actor());
    field(out, e.action());
    field(out, e.committedAt() == null ? null : Long.toString(e.committedAt().toEpochMilli()));
    out.append(clean(e.subject())).append('\n');
  }

  private static void field(StringBuilder out, String value) {
    out.append(value == null ? "" : clean(value)).append('\t');
  }

  /** Values are single lines already; a tab in a foreign trailer must not shift the columns. */
  private static String clean(String value) {
    return value.indexOf('\t') < 0 && value.indexOf('\n') < 0
        ? value
        : value.replace('\t', ' ').replace('\n', ' ');
  }

  private static List<TrailEntry> parse(String text) {
    List<TrailEntry> entries = new ArrayList<>(Math.max(16, text.length() / 300));
    String[] f = new String[15];
    int start = 0;
    int n = text.length();
    while (start < n) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        throw new IllegalStateException("truncated index line");
      }
      int column = 0;
      int from = start;
      for (int i = start; i < end && column < 14; i++) {
        if (text.charAt(i) == '\t') {
          f[column++] = text.substring(from, i);
          from = i + 1;
        }
      }
      if (column != 14) {
        throw new IllegalStateException("bad index line");
      }
      f[14] = text.substring(from, end);
      AuditEvent event = EVENTS.get(f[2]);
      if (event == null) {
        throw new IllegalStateException("unknown event in index: " + f[2]);
      }
      entries.add(
          new TrailEntry(
              f[0],
              f[1],
              event,
              Instant.ofEpochMilli(Long.parseLong(f[3])),
              orNull(f[4]),
              f[5],
              orNull(f[6]),
              orNull(f[7]),
              orNull(f[8]),
              orNull(f[9]),
              orNull(f[10]),
              orNull(f[11]),
              orNull(f[12]),
              f[13].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[13])),
              f[14]));
      start = end + 1;
    }
    return entries;
  }

  private static String orNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
