package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message of an audit commit: the record's subject, then git trailers that tools can parse
 * ({@code git log --format=%(trailers)}).
 */
final class AuditCommitMessage {

  /** The trailer that identifies the record; used to recognise a record already on the branch. */
  static final String RECORD_TRAILER = "Cairn-Record";

  private AuditCommitMessage() {}

  /**
   * The trailers, in the order they are written; {@code cairn audit verify} compares them with the
   * commit's. Values are single lines of the record's fields.
   */
  static Map<String, String> trailers(AuditRecord r) {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("Cairn-Event", r.event().wireName());
    if (r.environment() != null) {
      t.put("Cairn-Environment", r.environment());
    }
    t.put("Cairn-Commit", r.commit());
    if (r.run() != null) {
      t.put("Cairn-Run", r.run());
    }
    if (r.artifact() != null) {
      t.put("Cairn-Artifact", r.artifact());
    }
    if (r.error() != null) {
      t.put("Cairn-Error", r.error().name().strip().replaceAll("\\s+", " "));
    }
    if (r.rolledBackTo() != null) {
      t.put("Cairn-Rolled-Back-To", r.rolledBackTo());
    }
    if (r.supersededBy() != null) {
      t.put("Cairn-Superseded-By", r.supersededBy());
    }
    if (r.trigger().actor() != null) {
      t.put("Cairn-Actor", r.trigger().actor().strip().replaceAll("\\s+", " "));
    }
    if (r.action() != null) {
      t.put("Cairn-Action", r.action());
    }
    if (r.allowUnmerged()) {
      t.put("Cairn-Allow-Unmerged", "true");
    }
    if (r.isolation() != null) {
      t.put("Cairn-Isolation", r.isolation());
    }
    if (r.committedAt() != null) {
      t.put("Cairn-Committed-At", r.committedAt().toString());
    }
    t.put(RECORD_TRAILER, r.id());
    t.put("Cairn-Schema", AuditRecord.SCHEMA);
    return t;
  }

  /** The full commit message. */
  static String of(AuditRecord r) {
    StringBuilder out = new StringBuilder(r.subject()).append("\n\n");
    trailers(r).forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
    return out.toString();
  }
}
