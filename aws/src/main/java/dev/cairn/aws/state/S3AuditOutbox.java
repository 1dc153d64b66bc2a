package dev.cairn.aws.state;

import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The audit trail's durable outbox on AWS: every step appends its records here, in the artifact
 * bucket ({@code <prefix>audit/outbox/<occurred-at>-<id>.json}, the time in milliseconds and the
 * nanoseconds within them), so the runner's jobs need no git credentials; the record function
 * delivers them to the trail in order ({@link #flush}) through a {@link Delivery} that holds those
 * credentials. A record appended twice (a step re-run) is one object: its key is made from its id.
 */
public final class S3AuditOutbox implements AuditLog {
  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Delivery delivery;
  private final Clock clock;
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private final AtomicReference<Instant> lastDelivered = new AtomicReference<>();

  /** Delivers records to the trail (the audit writer); throws when it could not. */
  @FunctionalInterface
  public interface Delivery {
    /** Appends the records to the trail in this order (one push for all), or throws. */
    void deliver(List<AuditRecord> records) throws IOException;

    /** Nothing delivers from here (the runner's jobs: the record function does). */
    Delivery NONE =
        records -> {
          throw new IOException("this process does not deliver audit records");
        };
  }

  /**
   * An outbox.
   *
   * @param prefix the repository's key prefix (e.g. {@code notes/}), or empty
   * @param delivery delivers records on {@link #flush}
   */
  public S3AuditOutbox(S3Client s3, String bucket, String prefix, Delivery delivery, Clock clock) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = S3Objects.prefix(prefix) + "audit/outbox/";
    this.delivery = delivery;
    this.clock = clock;
  }

  @Override
  public void append(AuditRecord record) throws IOException {
    // Keys sort by when the event happened, then by id: the order records are delivered in. The
    // time goes below the millisecond (as precise as the clock), so that two records one step
    // writes in the same millisecond keep their order instead of their ids'.
    Instant at = record.occurredAt();
    String key =
        prefix
            + String.format("%015d.%06d", at.toEpochMilli(), at.getNano() % 1_000_000)
            + "-"
            + record.id()
            + ".json";
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/json"),
          RequestBody.fromString(record.toJson(), StandardCharsets.UTF_8));
    } catch (S3Exception e) {
      throw new IOException("the audit record could not be stored in s3://" + bucket, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>All pending records go in one delivery, in order; one flush at a time per outbox. A record
   * another process delivered meanwhile (its object is gone) is skipped; one delivered twice is one
   * record in the trail (ids are unique).
   */
  @Override
  public synchronized AuditDeliveryStatus flush() {
    List<String> keys = new java.util.ArrayList<>();
    List<AuditRecord> records = new java.util.ArrayList<>();
    for (S3Object object : pending()) {
      try {
        String json = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asUtf8String();
        records.add(AuditRecord.fromJson(json));
        keys.add(object.key());
      } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException gone) {
        // Another process delivered it meanwhile.
      }
    }
    if (records.isEmpty()) {
      return status();
    }
    try {
      // In order and in one go: a record is never delivered before one appended earlier.
      delivery.deliver(records);
      for (String key : keys) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
      }
      failures.set(0);
      lastDelivered.set(clock.instant());
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      lastError.set(String.valueOf(e.getMessage()));
    }
    return status();
  }

  @Override
  public AuditDeliveryStatus status() {
    return new AuditDeliveryStatus(
        pending().size(),
        failures.get(),
        Optional.ofNullable(lastError.get()),
        Optional.ofNullable(lastDelivered.get()),
        Optional.empty());
  }

  private List<S3Object> pending() {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .sorted(java.util.Comparator.comparing(S3Object::key))
        .toList();
  }

  @Override
  public void close() {}
}
