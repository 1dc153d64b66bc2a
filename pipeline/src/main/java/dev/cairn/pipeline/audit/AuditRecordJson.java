package dev.cairn.pipeline.audit;

import static dev.cairn.pipeline.audit.AuditFields.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.pipeline.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON form of an {@link AuditRecord}, schema {@code cairn.audit/v1}: header and details as one
 * flat object, fields in a fixed order, optional ones only when present (see {@code
 * docs/audit-trail.md}).
 */
final class AuditRecordJson {
  private AuditRecordJson() {}

  static ObjectNode write(AuditRecord r) {
    ObjectNode o = Json.object();
    o.put("schema", AuditRecord.SCHEMA);
    o.put("id", r.id());
    o.put("event", r.event().wireName());
    o.put("occurredAt", r.occurredAt().toString());
    putIf(o, "startedAt", r.startedAt() == null ? null : r.startedAt().toString());
    if (r.duration() != null) {
      o.put("durationMillis", r.duration().toMillis());
    }
    putIf(o, "run", r.run());
    ObjectNode t = o.putObject("trigger");
    t.put("kind", r.trigger().kind().wireName());
    putIf(t, "actor", r.trigger().actor());
    o.put("commit", r.commit());
    putIf(o, "tree", r.tree());
    putIf(o, "commitSubject", r.commitSubject());
    putIf(o, "committedAt", r.committedAt() == null ? null : r.committedAt().toString());
    putIf(o, "environment", r.environment());
    putIf(o, "artifact", r.artifact());
    putIf(o, "previousRelease", r.previousRelease());
    if (r.error() != null) {
      ObjectNode e = o.putObject("error");
      e.put("name", r.error().name());
      putIf(e, "cause", r.error().cause());
    }
    putIf(o, "supersededBy", r.supersededBy());
    putIf(o, "rolledBackTo", r.rolledBackTo());
    putIf(o, "action", r.action());
    if (r.allowUnmerged()) {
      o.put("allowUnmerged", true);
    }
    putIf(o, "isolation", r.isolation());
    putIf(o, "releaseTag", r.releaseTag());
    putIf(o, "revertCommit", r.revertCommit());
    putIf(o, "revertBranch", r.revertBranch());
    if (r.restarts() != null) {
      o.put("restarts", r.restarts().intValue());
    }
    o.put("cairnVersion", r.cairnVersion());
    return o;
  }

  static String writeText(AuditRecord r) {
    return Json.writePretty(write(r)) + "\n";
  }

  static AuditRecord read(String text) {
    return read(Json.parse(text));
  }

  static AuditRecord read(JsonNode o) {
    require(o.isObject(), "an audit record is a JSON object");
    String schema = text(o, "schema");
    require(AuditRecord.SCHEMA.equals(schema), "unsupported audit record schema: " + schema);
    JsonNode t = o.path("trigger");
    require(t.isObject(), "trigger is missing");
    String kind = text(t, "kind");
    AuditTrigger trigger =
        new AuditTrigger(
            AuditTrigger.Kind.fromWireName(kind)
                .orElseThrow(() -> new IllegalArgumentException("unknown trigger kind: " + kind)),
            text(t, "actor"));
    String event = text(o, "event");
    JsonNode e = o.path("error");
    JsonNode duration = o.path("durationMillis");
    JsonNode restarts = o.path("restarts");
    require(restarts.isMissingNode() || restarts.canConvertToInt(), "restarts: not a number");
    JsonNode allowUnmerged = o.path("allowUnmerged");
    require(
        allowUnmerged.isMissingNode() || allowUnmerged.isBoolean(),
        "allowUnmerged: not true or false");
    require(
        duration.isMissingNode() || duration.canConvertToLong(), "durationMillis: not a number");
    try {
      return AuditRecord.builder()
          .id(text(o, "id"))
          .event(
              AuditEvent.fromWireName(event)
                  .orElseThrow(() -> new IllegalArgumentException("unknown event: " + event)))
          .occurredAt(instant(o, "occurredAt"))
          .startedAt(instant(o, "startedAt"))
          .duration(duration.isMissingNode() ? null : Duration.ofMillis(duration.asLong()))
          .run(text(o, "run"))
          .trigger(trigger)
          .commit(text(o, "commit"))
          .tree(text(o, "tree"))
          .storedCommitSubject(text(o, "commitSubject"))
          .environment(text(o, "environment"))
          .artifact(text(o, "artifact"))
          .previousRelease(text(o, "previousRelease"))
          .error(e.isObject() ? new AuditError(text(e, "name"), text(e, "cause")) : null)
          .supersededBy(text(o, "supersededBy"))
          .rolledBackTo(text(o, "rolledBackTo"))
          .action(text(o, "action"))
          .allowUnmerged(allowUnmerged.asBoolean(false))
          .isolation(text(o, "isolation"))
          .releaseTag(text(o, "releaseTag"))
          .revertCommit(text(o, "revertCommit"))
          .revertBranch(text(o, "revertBranch"))
          .restarts(restarts.isMissingNode() ? null : restarts.asInt())
          .cairnVersion(text(o, "cairnVersion"))
          .committedAt(instant(o, "committedAt"))
          .build(false);
    } catch (NullPointerException missing) {
      throw new IllegalArgumentException("audit record field missing: " + missing.getMessage());
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    require(v.isTextual(), field + ": expected a string");
    return v.asText();
  }

  private static Instant instant(JsonNode o, String field) {
    String v = text(o, field);
    if (v == null) {
      return null;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException(field + ": not an ISO-8601 instant: " + v);
    }
  }

  private static void putIf(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }
}
