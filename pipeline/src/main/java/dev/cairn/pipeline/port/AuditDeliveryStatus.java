package dev.cairn.pipeline.port;

import java.time.Instant;
import java.util.Optional;

/**
 * How far an {@link AuditLog} has delivered.
 *
 * @param pending records stored but not yet delivered
 * @param consecutiveFailures failed delivery attempts since the last success
 * @param lastError the last failure, for people (never contains credentials), or empty
 * @param lastDelivered when records were last delivered, or empty
 * @param nextAttempt when the next automatic attempt is scheduled, or empty
 */
public record AuditDeliveryStatus(
    int pending,
    int consecutiveFailures,
    Optional<String> lastError,
    Optional<Instant> lastDelivered,
    Optional<Instant> nextAttempt) {

  /** True when nothing is waiting. */
  public boolean delivered() {
    return pending == 0;
  }
}
