package dev.cairn.git.audit;

import dev.cairn.git.audit.AuditRemote.PushOutcome;
import dev.cairn.pipeline.audit.AuditRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.RefSpec;

/**
 * One delivery of the queued records: fetch the remote's audit branch and notes, rebuild the
 * records missing there on the fetched tips, push without force, and on a lost race fetch and
 * reapply again (a bounded number of rounds). Records leave the outbox only after the push that
 * contains them succeeded.
 *
 * <p>Not thread-safe: {@link GitAuditLog} runs one delivery at a time.
 */
final class AuditDelivery {
  private static final String REMOTE_BRANCH = "refs/cairn/remote/heads/cairn/audit";
  private static final String REMOTE_NOTES = "refs/cairn/remote/notes/cairn";
  private static final String OUT_BRANCH = "refs/cairn/outgoing/audit";
  private static final String OUT_NOTES = "refs/cairn/outgoing/notes";
  private static final String REMOTE_TAGS = "refs/cairn/remote/tags/";
  private static final String OUT_TAGS = "refs/cairn/outgoing/tags/";
  private static final List<RefSpec> FETCH_SPECS =
      List.of(
          new RefSpec("+refs/heads/cairn/*:refs/cairn/remote/heads/cairn/*"),
          new RefSpec("+refs/notes/*:refs/cairn/remote/notes/*"),
          new RefSpec("+refs/tags/cairn/*:refs/cairn/remote/tags/cairn/*"));

  /** Fetched only when a release tag's application commit is not yet in the local repository. */
  private static final RefSpec APP_HEADS = new RefSpec("+refs/heads/*:refs/cairn/remote/app/*");

  private static final int ROUNDS_PER_ATTEMPT = 10;

  private final AuditOutbox outbox;
  private final AuditRemote remote;
  private final AuditCommitWriter writer;
  private final Path deliveredTip;
  private volatile Runnable beforePush = () -> {};

  AuditDelivery(
      AuditOutbox outbox, AuditRemote remote, AuditCommitWriter writer, Path deliveredTip) {
    this.outbox = outbox;
    this.remote = remote;
    this.writer = writer;
    this.deliveredTip = deliveredTip;
  }

  /** Lets a test act between building the commits and pushing them, to stage a lost race. */
  void beforePush(Runnable action) {
    this.beforePush = Objects.requireNonNull(action, "action");
  }

  /**
   * Delivers the records queued now.
   *
   * @return empty on success, or why the remote refused
   */
  Optional<String> deliverQueued() throws Exception {
    List<AuditOutbox.Entry> batch = outbox.list();
    if (batch.isEmpty()) {
      return Optional.empty();
    }
    String lastRace = "";
    for (int round = 0; round < ROUNDS_PER_ATTEMPT; round++) {
      remote.fetch(FETCH_SPECS);
      ObjectId baseBranch = remote.resolve(REMOTE_BRANCH);
      ObjectId baseNotes = remote.resolve(REMOTE_NOTES);
      Set<String> present = writer.idsOn(baseBranch);
      ObjectId branch = baseBranch;
      ObjectId notes = baseNotes;
      try (ObjectInserter inserter = remote.repository().newObjectInserter();
          ObjectReader reader = remote.repository().newObjectReader();
          RevWalk walk = new RevWalk(reader)) {
        for (AuditOutbox.Entry e : batch) {
          AuditRecord r = e.record();
          if (!present.contains(r.id()) && !AuditCommitWriter.hasFile(walk, branch, r.path())) {
            branch = writer.commitRecord(inserter, walk, branch, r);
            present.add(r.id());
          }
          notes = writer.noteRecord(inserter, reader, walk, notes, r);
        }
        inserter.flush();
      }
      List<RefSpec> specs = new ArrayList<>(releaseTags(batch));
      if (!Objects.equals(branch, baseBranch)) {
        remote.setLocalRef(OUT_BRANCH, branch);
        specs.add(new RefSpec(OUT_BRANCH + ":" + GitAuditLog.BRANCH));
      }
      if (!Objects.equals(notes, baseNotes)) {
        remote.setLocalRef(OUT_NOTES, notes);
        specs.add(new RefSpec(OUT_NOTES + ":" + GitAuditLog.NOTES));
      }
      if (!specs.isEmpty()) {
        beforePush.run();
        switch (remote.push(specs)) {
          case PushOutcome.Accepted accepted -> {}
          case PushOutcome.MovedOn movedOn -> {
            lastRace = movedOn.refs();
            continue;
          }
          case PushOutcome.Refused refused -> {
            return Optional.of(refused.message());
          }
        }
        if (deliveredTip != null && !Objects.equals(branch, baseBranch)) {
          // What Cairn itself pushed: `cairn audit verify` checks the branch never went back.
          AuditTipFile.write(deliveredTip, branch.getName());
        }
      }
      for (AuditOutbox.Entry e : batch) {
        outbox.remove(e);
      }
      return Optional.empty();
    }
    return Optional.of(
        "The audit branch on "
            + remote.displayForm()
            + " kept changing while Cairn pushed; will retry ("
            + lastRace
            + ")");
  }

  /**
   * The release tags of the batch's records that the remote does not have yet: annotated tags on
   * the application commits, staged under {@code refs/cairn/outgoing/tags/}. A tag that exists on
   * the remote is never moved; a tag whose commit the remote does not have is left out (the record
   * still says which tag was meant).
   */
  private List<RefSpec> releaseTags(List<AuditOutbox.Entry> batch) throws Exception {
    List<RefSpec> specs = new ArrayList<>();
    boolean fetchedHeads = false;
    for (AuditOutbox.Entry e : batch) {
      AuditRecord r = e.record();
      if (r.releaseTag() == null || remote.resolve(REMOTE_TAGS + r.releaseTag()) != null) {
        continue;
      }
      ObjectId app = ObjectId.fromString(r.commit());
      if (!remote.repository().getObjectDatabase().has(app) && !fetchedHeads) {
        remote.fetch(List.of(APP_HEADS));
        fetchedHeads = true;
      }
      if (!remote.repository().getObjectDatabase().has(app)) {
        continue;
      }
      remote.setLocalRef(OUT_TAGS + r.releaseTag(), writer.releaseTag(r, app));
      specs.add(new RefSpec(OUT_TAGS + r.releaseTag() + ":" + Constants.R_TAGS + r.releaseTag()));
    }
    return specs;
  }
}
