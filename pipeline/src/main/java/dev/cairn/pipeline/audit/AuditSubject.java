package dev.cairn.pipeline.audit;

import java.time.Duration;

/**
 * The one-line summary of an {@link AuditRecord} for people: its commit's subject, its trailers.
 */
final class AuditSubject {
  private AuditSubject() {}

  /**
   * The summary, e.g. {@code production: deployed 3f2a91c (notes: add search) in 4.2s}. It contains
   * only the record's fields.
   */
  static String of(AuditRecord r) {
    String what =
        r.shortCommit() + (r.commitSubject() == null ? "" : " (" + r.commitSubject() + ")");
    Duration duration = r.duration();
    String in = duration == null ? "" : " in " + AuditRecord.formatDuration(duration);
    String after = duration == null ? "" : " after " + AuditRecord.formatDuration(duration);
    String why = r.error() == null ? "" : ": " + r.error().name();
    String by = r.trigger().actor() == null ? "" : " by " + r.trigger().actor();
    String text =
        switch (r.details()) {
          case AuditDetails.RunStarted d ->
              "run started for "
                  + what
                  + by
                  + (d.isolation() == null
                      ? ""
                      : d.isolation().equals("none")
                          ? " (unsandboxed)"
                          : " (isolation: " + d.isolation() + ")");
          case AuditDetails.BuildSucceeded d -> "built " + what + in;
          case AuditDetails.BuildFailed d -> "build of " + what + " failed" + after + why;
          case AuditDetails.DeploymentStarted d -> "deploying " + what + by;
          case AuditDetails.Deployed d -> "deployed " + what + in;
          case AuditDetails.DeploymentFailed d -> "deployment of " + what + " failed" + after + why;
          case AuditDetails.RolledBack d ->
              "rolled back "
                  + what
                  + (d.rolledBackTo() == null ? "" : " to " + d.rolledBackTo().substring(0, 7))
                  + why;
          case AuditDetails.Superseded d ->
              "skipped "
                  + what
                  + (d.supersededBy() == null
                      ? ""
                      : ", superseded by " + d.supersededBy().substring(0, 7));
          case AuditDetails.MarkedBad d -> "marked " + what + " bad" + by + why;
          case AuditDetails.SkippedBad d -> "skipped " + what + ", marked bad";
          case AuditDetails.Reverted d ->
              "reverted "
                  + what
                  + (d.revertBranch() == null ? "" : " on " + d.revertBranch())
                  + (d.revertCommit() == null ? "" : " as " + d.revertCommit().substring(0, 7));
          case AuditDetails.ManualAction d ->
              (d.action() == null ? "manual action" : d.action())
                  + " "
                  + what
                  + by
                  + (d.allowUnmerged() ? " (allow-unmerged)" : "");
          case AuditDetails.Approved d -> "approved " + what + by;
          case AuditDetails.ReleaseRestarted d ->
              "restarted "
                  + what
                  + (d.restarts() == null ? "" : " (restart " + d.restarts() + ")")
                  + why;
        };
    return r.environment() == null ? text : r.environment() + ": " + text;
  }
}
