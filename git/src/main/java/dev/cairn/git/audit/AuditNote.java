package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The note Cairn keeps on an application commit: one line per environment (or {@code build}) with
 * the latest outcome, e.g. {@code production: deployed in 4.2s [2026-11-26T04:56:37Z <record id>]}.
 *
 * <p>Merging is idempotent and order-independent: a line is replaced only by a newer record, so
 * applying the same record twice, or two writers' records in either order, gives the same note.
 * Lines Cairn did not write are kept.
 */
final class AuditNote {

  private static final Pattern LINE =
      Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*): .* \\[(\\S+) ([0-9a-f-]{36})\\]");

  private AuditNote() {}

  /** The key of a record's line: its environment, or {@code build}. */
  static String key(AuditRecord r) {
    return r.environment() == null ? "build" : r.environment();
  }

  /** The record's line. */
  static String line(AuditRecord r) {
    StringBuilder s = new StringBuilder(key(r)).append(": ").append(r.event().wireName());
    if (r.duration() != null
        && r.event() != AuditEvent.DEPLOYMENT_STARTED
        && r.event() != AuditEvent.RUN_STARTED) {
      s.append(" in ").append(AuditRecord.formatDuration(r.duration()));
    }
    if (r.error() != null) {
      s.append(": ").append(r.error().name());
    }
    if (r.rolledBackTo() != null) {
      s.append(" to ").append(r.rolledBackTo(), 0, 7);
    }
    if (r.supersededBy() != null) {
      s.append(" by ").append(r.supersededBy(), 0, 7);
    }
    if (r.trigger().actor() != null) {
      s.append(" (").append(r.trigger().actor().replaceAll("\\s+", " ")).append(')');
    }
    if (r.artifact() != null) {
      s.append(' ').append(r.artifact());
    }
    return s.append(" [").append(r.occurredAt()).append(' ').append(r.id()).append(']').toString();
  }

  /**
   * The note after recording {@code r}.
   *
   * @param existing the current note, or null
   * @return the new note text (equal to {@code existing} when nothing changes)
   */
  static String merge(String existing, AuditRecord r) {
    String key = key(r);
    String mine = line(r);
    List<String> out = new ArrayList<>();
    boolean placed = false;
    if (existing != null) {
      for (String l : existing.lines().toList()) {
        Matcher m = LINE.matcher(l);
        if (!placed && m.matches() && m.group(1).equals(key)) {
          placed = true;
          out.add(newer(m.group(2), m.group(3), r) ? mine : l);
        } else {
          out.add(l);
        }
      }
    }
    if (!placed) {
      out.add(mine);
    }
    String merged = String.join("\n", out) + "\n";
    return existing != null && merged.equals(existing) ? existing : merged;
  }

  private static boolean newer(String time, String id, AuditRecord r) {
    Instant then;
    try {
      then = Instant.parse(time);
    } catch (RuntimeException e) {
      return true;
    }
    int byTime = r.occurredAt().compareTo(then);
    return byTime > 0 || (byTime == 0 && r.id().compareTo(id) >= 0);
  }
}
