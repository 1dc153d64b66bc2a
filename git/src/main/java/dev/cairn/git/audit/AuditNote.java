package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The note Cairn keeps on an application commit: one line per event, each with its environment (or
 * {@code build}), e.g. {@code production: rolled-back to 3f2a91c: Cairn.VerifyFailed
 * [2026-11-26T04:56:37Z <record id>]}, in the order the events happened, so that the note tells the
 * commit's whole story (deployed, then rolled back to what) and not only its last event.
 *
 * <p>Merging is idempotent and order-independent: a record already in the note changes nothing, and
 * lines are ordered by time (ties by record id), so applying the same record twice, or two writers'
 * records in either order, gives the same note. Lines Cairn did not write are kept, first.
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
    if (r.rolledBackTo() != null) {
      s.append(" to ").append(r.rolledBackTo(), 0, 7);
    }
    if (r.supersededBy() != null) {
      s.append(" by ").append(r.supersededBy(), 0, 7);
    }
    if (r.error() != null) {
      s.append(": ").append(r.error().name());
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
    List<String> foreign = new ArrayList<>();
    List<Line> lines = new ArrayList<>();
    if (existing != null) {
      for (String l : existing.lines().toList()) {
        Matcher m = LINE.matcher(l);
        if (!m.matches()) {
          foreign.add(l);
        } else if (m.group(3).equals(r.id())) {
          // Delivered again (a retry, another writer): the note has it already.
          return existing;
        } else {
          lines.add(new Line(instant(m.group(2)), m.group(3), l));
        }
      }
    }
    lines.add(new Line(r.occurredAt(), r.id(), line(r)));
    lines.sort(Comparator.comparing(Line::at).thenComparing(Line::id));
    List<String> out = new ArrayList<>(foreign);
    lines.forEach(l -> out.add(l.text()));
    return String.join("\n", out) + "\n";
  }

  /** One of Cairn's lines, with what orders it. */
  private record Line(Instant at, String id, String text) {}

  private static Instant instant(String time) {
    try {
      return Instant.parse(time);
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
