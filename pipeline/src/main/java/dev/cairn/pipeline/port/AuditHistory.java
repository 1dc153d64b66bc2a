package dev.cairn.pipeline.port;

import dev.cairn.pipeline.audit.TrailEntry;
import java.io.IOException;
import java.util.List;

/**
 * Reads the audit trail: every record delivered so far, oldest first. Cairn derives each
 * environment's last good release and bad commits from it when its own state is gone (see {@code
 * dev.cairn.pipeline.audit.ReleaseMemory}); the git adapter reads the {@code cairn/audit} branch,
 * an AWS function may read the same branch or a copy. When audit commits are signed, decisions read
 * a view holding only the records whose commits verify against the signing key ({@code
 * AuditTrail.trusting}), so a record appended without the key cannot choose a rollback target.
 */
@FunctionalInterface
public interface AuditHistory {

  /**
   * The trail's entries in the order they were delivered (oldest first).
   *
   * @return the entries; empty when there is no trail yet
   * @throws IOException when the trail cannot be read (e.g. the remote is unreachable); the caller
   *     decides whether to go on without it
   */
  List<TrailEntry> entries() throws IOException;
}
