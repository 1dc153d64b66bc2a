package dev.cairn.pipeline.port;

import dev.cairn.pipeline.audit.AuditRecord;
import java.io.IOException;

/**
 * The audit trail: every build, deployment, rollback and skipped commit, kept where people and
 * tools can read it (for the git adapter: the {@code cairn/audit} branch of the application's
 * repository).
 *
 * <p>Appending is durable, not remote: a record is safe once {@link #append} returns and is
 * delivered later, in append order, with retries, exactly once (records are recognised by id).
 * Callers must not put secrets into records.
 */
public interface AuditLog extends AutoCloseable {

  /**
   * Writes the record durably and queues it for delivery. Appending a record whose id is already
   * queued does nothing.
   *
   * @throws IOException if the record could not be stored durably; it is then not in the trail
   */
  void append(AuditRecord record) throws IOException;

  /**
   * Tries to deliver every queued record now, on the calling thread, and reports the outcome. Does
   * not throw when the destination is unreachable: the status says so and delivery is retried.
   *
   * @return the status after the attempt
   */
  AuditDeliveryStatus flush();

  /** The delivery status, without doing anything. */
  AuditDeliveryStatus status();

  /** Stops background delivery; queued records stay queued for the next instance. */
  @Override
  void close();
}
