package dev.cairn.pipeline.audit;

import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link AuditLog} that keeps records in memory, in append order and once per id: for tests and
 * for running without a git remote. Nothing survives the process.
 */
public final class InMemoryAuditLog implements AuditLog {

  private final Map<String, AuditRecord> records = new LinkedHashMap<>();

  @Override
  public synchronized void append(AuditRecord record) {
    Objects.requireNonNull(record, "record");
    records.putIfAbsent(record.id(), record);
  }

  @Override
  public AuditDeliveryStatus flush() {
    return status();
  }

  @Override
  public synchronized AuditDeliveryStatus status() {
    return new AuditDeliveryStatus(0, 0, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** The records appended so far, oldest first. */
  public synchronized List<AuditRecord> records() {
    return List.copyOf(new ArrayList<>(records.values()));
  }

  @Override
  public void close() {
    // nothing to release
  }
}
