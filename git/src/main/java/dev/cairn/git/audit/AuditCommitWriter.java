package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.GpgSignature;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Writes the git objects of audit records: one commit per record on the audit branch (signed when a
 * signer is set), the record merged into the note on its application commit, and the annotated
 * release tag. Only objects: moving refs and pushing is the caller's.
 *
 * <p>Not thread-safe: the audit log calls it from its one delivery at a time.
 */
final class AuditCommitWriter {
  private final Repository repository;
  private final String committerName;
  private final String committerEmail;
  private final Clock clock;
  private final AuditSigner signer;

  // The record ids on the branch at knownTip, so that each round walks only new commits.
  private ObjectId knownTip;
  private Set<String> knownIds = new HashSet<>();

  AuditCommitWriter(
      Repository repository,
      String committerName,
      String committerEmail,
      Clock clock,
      AuditSigner signer) {
    this.repository = repository;
    this.committerName = committerName;
    this.committerEmail = committerEmail;
    this.clock = clock;
    this.signer = signer;
  }

  /** A commit on {@code parent} (null: the first) that adds the record's file. */
  ObjectId commitRecord(ObjectInserter inserter, RevWalk walk, ObjectId parent, AuditRecord r)
      throws IOException {
    DirCache index = DirCache.newInCore();
    DirCacheBuilder builder = index.builder();
    if (parent != null) {
      builder.addTree(
          new byte[0],
          DirCacheEntry.STAGE_0,
          walk.getObjectReader(),
          walk.parseCommit(parent).getTree());
    }
    DirCacheEntry file = new DirCacheEntry(r.path());
    file.setFileMode(FileMode.REGULAR_FILE);
    file.setObjectId(
        inserter.insert(Constants.OBJ_BLOB, r.toJson().getBytes(StandardCharsets.UTF_8)));
    builder.add(file);
    builder.finish();
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(index.writeTree(inserter));
    if (parent != null) {
      commit.setParentId(parent);
    }
    commit.setAuthor(
        new PersonIdent(committerName, committerEmail, r.occurredAt(), ZoneOffset.UTC));
    commit.setCommitter(
        new PersonIdent(committerName, committerEmail, clock.instant(), ZoneOffset.UTC));
    commit.setMessage(AuditCommitMessage.of(r));
    if (signer != null) {
      // The signature covers the commit exactly as built so far, as git verify-commit expects.
      commit.setGpgSignature(new GpgSignature(signer.sign(commit.build())));
    }
    return inserter.insert(commit);
  }

  /**
   * A notes commit on {@code notesTip} whose note on the record's application commit includes the
   * record; {@code notesTip} itself when the note already does.
   */
  ObjectId noteRecord(
      ObjectInserter inserter, ObjectReader reader, RevWalk walk, ObjectId notesTip, AuditRecord r)
      throws IOException {
    RevCommit parent = notesTip == null ? null : walk.parseCommit(notesTip);
    NoteMap map = parent == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, parent);
    ObjectId app = ObjectId.fromString(r.commit());
    Note existing = map.getNote(app);
    String before =
        existing == null
            ? null
            : new String(
                reader.open(existing.getData()).getCachedBytes(1 << 20), StandardCharsets.UTF_8);
    String after = AuditNote.merge(before, r);
    if (after.equals(before)) {
      return notesTip;
    }
    map.set(app, after, inserter);
    CommitBuilder commit = new CommitBuilder();
    commit.setTreeId(map.writeTree(inserter));
    if (parent != null) {
      commit.setParentId(parent);
    }
    PersonIdent ident =
        new PersonIdent(committerName, committerEmail, clock.instant(), ZoneOffset.UTC);
    commit.setAuthor(ident);
    commit.setCommitter(ident);
    commit.setMessage("Notes added by Cairn: " + r.subject() + "\n");
    return inserter.insert(commit);
  }

  /** The annotated release tag of a record (which has a release tag) on its application commit. */
  ObjectId releaseTag(AuditRecord r, ObjectId app) throws IOException {
    try (ObjectInserter inserter = repository.newObjectInserter()) {
      TagBuilder builder = new TagBuilder();
      builder.setObjectId(app, Constants.OBJ_COMMIT);
      builder.setTag(r.releaseTag());
      builder.setTagger(
          new PersonIdent(committerName, committerEmail, r.occurredAt(), ZoneOffset.UTC));
      builder.setMessage(r.subject() + "\n\nCairn-Record: " + r.id() + "\n");
      ObjectId tag = inserter.insert(builder);
      inserter.flush();
      return tag;
    }
  }

  /** The record ids on the branch, walking only the commits added since the last look. */
  Set<String> idsOn(ObjectId tip) throws IOException {
    if (tip == null) {
      knownTip = null;
      knownIds = new HashSet<>();
      return new HashSet<>();
    }
    if (tip.equals(knownTip)) {
      return new HashSet<>(knownIds);
    }
    Set<String> ids = new HashSet<>();
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit head = walk.parseCommit(tip);
      boolean incremental = false;
      if (knownTip != null && repository.getObjectDatabase().has(knownTip)) {
        RevCommit old = walk.parseCommit(knownTip);
        incremental = walk.isMergedInto(old, head);
        walk.reset();
        if (incremental) {
          walk.markUninteresting(walk.parseCommit(knownTip));
        }
      }
      if (incremental) {
        ids.addAll(knownIds);
      }
      walk.markStart(walk.parseCommit(tip));
      for (RevCommit c : walk) {
        ids.addAll(c.getFooterLines(AuditCommitMessage.RECORD_TRAILER));
      }
    }
    knownTip = tip.copy();
    knownIds = ids;
    return new HashSet<>(ids);
  }

  /** Whether the tree of {@code tip} (null: no branch yet) has a file at {@code path}. */
  static boolean hasFile(RevWalk walk, ObjectId tip, String path) throws IOException {
    if (tip == null) {
      return false;
    }
    try (TreeWalk tw =
        TreeWalk.forPath(walk.getObjectReader(), path, walk.parseCommit(tip).getTree())) {
      return tw != null;
    }
  }
}
