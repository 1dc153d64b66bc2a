package dev.cairn.pipeline.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * What the audit trail's index keeps of one record: the fields carried by the audit commit's
 * trailers, its subject and its dates. Enough to list, filter, compute metrics and derive releases
 * without reading the record files; {@code cairn show} reads the full {@link AuditRecord}.
 *
 * @param auditCommit the id of the audit commit that added the record
 * @param id the record id
 * @param event what happened
 * @param occurredAt when (the audit commit's author date)
 * @param environment the environment, or null
 * @param commit the application commit
 * @param run the run id, or null
 * @param artifact the artifact digest, or null
 * @param error the error name, or null
 * @param rolledBackTo for rollbacks, the commit running again, or null
 * @param supersededBy for superseded commits, the commit deployed instead, or null
 * @param actor who, or null
 * @param action for manual actions, what the person did, or null
 * @param committedAt when the application commit was made, or null when the record does not say
 * @param subject the audit commit's subject line
 */
public record TrailEntry(
    String auditCommit,
    String id,
    AuditEvent event,
    Instant occurredAt,
    String environment,
    String commit,
    String run,
    String artifact,
    String error,
    String rolledBackTo,
    String supersededBy,
    String actor,
    String action,
    Instant committedAt,
    String subject) {

  /** Requires the fields every record has. */
  public TrailEntry {
    Objects.requireNonNull(auditCommit, "auditCommit");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(commit, "commit");
    subject = subject == null ? "" : subject;
  }

  /** The entry of a full record added by the given audit commit. */
  public static TrailEntry of(AuditRecord r, String auditCommit) {
    return new TrailEntry(
        auditCommit,
        r.id(),
        r.event(),
        r.occurredAt(),
        r.environment(),
        r.commit(),
        r.run(),
        r.artifact(),
        r.error() == null ? null : r.error().name(),
        r.rolledBackTo(),
        r.supersededBy(),
        r.trigger().actor(),
        r.action(),
        r.committedAt(),
        r.subject());
  }
}
