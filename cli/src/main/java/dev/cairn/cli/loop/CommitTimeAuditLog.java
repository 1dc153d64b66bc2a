package dev.cairn.cli.loop;

import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * Fills in each record's {@code committedAt} (the application commit's time, where lead time for
 * changes starts) from the repository mirror before handing it to the audit log: the pipeline knows
 * commits only by id.
 */
final class CommitTimeAuditLog implements AuditLog {
  /** Looks a commit's time up; empty when the mirror does not have it. */
  @FunctionalInterface
  interface CommitTimes {
    Optional<Instant> of(String commit) throws IOException;
  }

  private final AuditLog log;
  private final CommitTimes times;

  CommitTimeAuditLog(AuditLog log, CommitTimes times) {
    this.log = log;
    this.times = times;
  }

  @Override
  public void append(AuditRecord record) throws IOException {
    AuditRecord r = record;
    if (r.committedAt() == null) {
      Optional<Instant> time;
      try {
        time = times.of(r.commit());
      } catch (IOException | RuntimeException e) {
        // The record matters more than its commit time: keep it without.
        time = Optional.empty();
      }
      if (time.isPresent()) {
        r = r.withCommittedAt(time.get());
      }
    }
    log.append(r);
  }

  @Override
  public AuditDeliveryStatus flush() {
    return log.flush();
  }

  @Override
  public AuditDeliveryStatus status() {
    return log.status();
  }

  @Override
  public void close() {
    log.close();
  }
}
