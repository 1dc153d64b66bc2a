package dev.cairn.aws.lambda.lastgood;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The last good release of an environment, derived from audit records alone: the newest commit that
 * was {@code deployed} there and not failed, rolled back or marked bad since.
 *
 * @param commit the application commit
 * @param artifact its artifact digest, or null when the record had none
 * @param deployedAt when it was deployed
 * @param recordId the {@code deployed} record
 */
public record LastGood(String commit, String artifact, Instant deployedAt, String recordId) {

  /**
   * Derives the last good release of {@code environment}. Records are taken in the order they
   * happened (time, then id, which is time-ordered); a later {@code deployed} of a commit marked
   * bad makes it good again (a person redeployed it by hand).
   */
  public static Optional<LastGood> derive(List<AuditRecord> records, String environment) {
    List<AuditRecord> ordered = new ArrayList<>(records);
    ordered.sort(Comparator.comparing(AuditRecord::occurredAt).thenComparing(AuditRecord::id));
    List<LastGood> good = new ArrayList<>();
    for (AuditRecord record : ordered) {
      if (!environment.equals(record.environment())) {
        continue;
      }
      AuditEvent event = record.event();
      if (event == AuditEvent.DEPLOYED) {
        good.removeIf(g -> g.commit().equals(record.commit()));
        good.add(
            new LastGood(record.commit(), record.artifact(), record.occurredAt(), record.id()));
      } else if (event == AuditEvent.DEPLOYMENT_FAILED
          || event == AuditEvent.ROLLED_BACK
          || event == AuditEvent.MARKED_BAD) {
        good.removeIf(g -> g.commit().equals(record.commit()));
      }
    }
    return good.isEmpty() ? Optional.empty() : Optional.of(good.get(good.size() - 1));
  }
}
