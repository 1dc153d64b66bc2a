package dev.cairn.git.audit;

import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.TrailEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.FooterLine;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/**
 * Checks the integrity of an audit trail (see {@code docs/audit-trail.md}, "Verifying"):
 *
 * <ol>
 *   <li>the branch only moved forward: every position Cairn saw before is an ancestor of the tip;
 *   <li>every commit is a non-merge that adds exactly one well-formed record file, at the path its
 *       id and date give, and its trailers are those the record produces;
 *   <li>signatures are valid for the trusted keys, and unsigned commits are reported when signing
 *       is required;
 *   <li>every run has its records: a {@code run-started} is followed by an outcome, and every
 *       {@code deployment-started} by an outcome in that environment.
 * </ol>
 */
public final class AuditVerifier {
  private static final Pattern RECORD_PATH =
      Pattern.compile("records/\\d{4}/\\d{2}/[0-9a-f-]{36}\\.json");
  private static final Set<AuditEvent> RUN_OUTCOMES =
      EnumSet.of(
          AuditEvent.BUILD_SUCCEEDED,
          AuditEvent.BUILD_FAILED,
          AuditEvent.DEPLOYED,
          AuditEvent.DEPLOYMENT_FAILED,
          AuditEvent.ROLLED_BACK,
          AuditEvent.SUPERSEDED,
          AuditEvent.MARKED_BAD,
          AuditEvent.SKIPPED_BAD);
  private static final Set<AuditEvent> DEPLOYMENT_OUTCOMES =
      EnumSet.of(
          AuditEvent.DEPLOYED,
          AuditEvent.DEPLOYMENT_FAILED,
          AuditEvent.ROLLED_BACK,
          AuditEvent.SUPERSEDED,
          AuditEvent.MARKED_BAD,
          AuditEvent.SKIPPED_BAD);

  /**
   * One thing wrong.
   *
   * @param auditCommit the audit commit concerned, or null
   * @param record the record id concerned, or null
   * @param message what is wrong
   */
  public record Problem(String auditCommit, String record, String message) {
    /** One line for people: {@code <commit> <record>: message}. */
    @Override
    public String toString() {
      StringBuilder out = new StringBuilder();
      if (auditCommit != null) {
        out.append("commit ").append(auditCommit, 0, 12).append(' ');
      }
      if (record != null) {
        out.append("record ").append(record).append(' ');
      }
      return out.append(out.isEmpty() ? "" : ": ").append(message).toString();
    }
  }

  /**
   * A position of the branch seen earlier.
   *
   * @param commit the commit id
   * @param source where it was recorded, e.g. {@code delivered by Cairn}
   */
  public record KnownTip(String commit, String source) {}

  /**
   * What the check found.
   *
   * @param tip the branch tip checked, or null when there is no branch
   * @param commits the audit commits on the branch
   * @param checkedInFull the commits whose file, trailers and signature were checked (all, or those
   *     after a tip checked in full before)
   * @param signed how many had a valid signature by a trusted key
   * @param unsigned how many had no signature
   * @param runs the runs checked
   * @param problems everything wrong, in trail order
   */
  public record Report(
      String tip,
      int commits,
      int checkedInFull,
      int signed,
      int unsigned,
      int runs,
      List<Problem> problems) {
    /** True when nothing is wrong. */
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private final List<AuditSignatureVerifier> keys;
  private final boolean requireSigned;
  private final Duration grace;
  private final Clock clock;

  private AuditVerifier(Builder b) {
    this.keys = List.copyOf(b.keys);
    this.requireSigned = b.requireSigned;
    this.grace = b.grace;
    this.clock = b.clock;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Checks the trail at {@code ref} in the repository against the positions seen before. */
  public Report verify(Repository repository, String ref, List<KnownTip> known) throws IOException {
    return verify(repository, ref, known, null);
  }

  /**
   * Checks the trail, reading in full only the commits after {@code checkedUpTo} (a tip an earlier
   * check passed, when it is still an ancestor of the branch): the commits before it are only read
   * for their trailers (record ids, runs). Rewriting them is caught by the first check, since it
   * moves the branch away from {@code checkedUpTo}.
   *
   * @param checkedUpTo a commit checked in full before, or null to check everything
   */
  public Report verify(Repository repository, String ref, List<KnownTip> known, String checkedUpTo)
      throws IOException {
    List<Problem> problems = new ArrayList<>();
    var r = repository.exactRef(ref);
    if (r == null) {
      for (KnownTip k : known) {
        problems.add(
            new Problem(
                null,
                null,
                "the branch "
                    + ref
                    + " is gone, but "
                    + k.source()
                    + " it was at "
                    + k.commit()
                    + " (deleted or rewritten)"));
      }
      return new Report(null, 0, 0, 0, 0, 0, problems);
    }
    ObjectId tip = r.getObjectId();
    int commits = 0;
    int checked = 0;
    int signed = 0;
    int unsigned = 0;
    Map<String, RunRecords> runs = new LinkedHashMap<>();
    Set<String> ids = new HashSet<>();
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit head = walk.parseCommit(tip);
      for (KnownTip k : known) {
        ObjectId id = ObjectId.fromString(k.commit());
        boolean ancestor =
            repository.getObjectDatabase().has(id) && walk.isMergedInto(walk.parseCommit(id), head);
        if (!ancestor) {
          problems.add(
              new Problem(
                  null,
                  null,
                  "history was rewritten: "
                      + k.source()
                      + " the branch was at "
                      + k.commit()
                      + ", which is not in the history of its tip "
                      + head.getName()));
        }
        walk.reset();
      }
      Set<ObjectId> fresh = null;
      if (checkedUpTo != null) {
        ObjectId done = ObjectId.fromString(checkedUpTo);
        if (repository.getObjectDatabase().has(done)
            && walk.isMergedInto(walk.parseCommit(done), head)) {
          walk.reset();
          fresh = new HashSet<>();
          walk.markStart(walk.parseCommit(tip));
          walk.markUninteresting(walk.parseCommit(done));
          for (RevCommit c : walk) {
            fresh.add(c.copy());
          }
        }
        walk.reset();
      }
      walk.sort(RevSort.TOPO);
      walk.sort(RevSort.REVERSE, true);
      walk.markStart(walk.parseCommit(tip));
      for (RevCommit c : walk) {
        commits++;
        if (fresh != null && !fresh.contains(c)) {
          // Checked in full before: only what the run check and the id check need.
          TrailEntry e = AuditTrail.entryOf(c);
          if (e != null) {
            if (!ids.add(e.id())) {
              problems.add(new Problem(c.getName(), e.id(), "the record id appears twice"));
            }
            if (e.run() != null) {
              runs.computeIfAbsent(e.run(), k -> new RunRecords())
                  .add(c.getName(), e.event(), e.environment(), e.occurredAt());
            }
          }
          if (c.getRawGpgSignature() == null) {
            unsigned++;
          }
          c.disposeBody();
          continue;
        }
        checked++;
        AuditRecord record = checkCommit(repository, c, problems);
        byte[] signature = c.getRawGpgSignature();
        if (signature == null) {
          unsigned++;
          if (requireSigned) {
            problems.add(new Problem(c.getName(), idOf(record), "not signed"));
          }
        } else if (!keys.isEmpty()) {
          AuditSignatureVerifier.Result result = check(c, signature);
          switch (result.outcome()) {
            case VALID -> signed++;
            case INVALID ->
                problems.add(
                    new Problem(
                        c.getName(),
                        idOf(record),
                        "bad signature (key " + result.keyId() + "): the commit was altered"));
            case UNKNOWN_KEY ->
                problems.add(
                    new Problem(
                        c.getName(),
                        idOf(record),
                        "signed by key " + result.keyId() + ", which is not trusted"));
            case UNUSABLE_KEY ->
                problems.add(
                    new Problem(
                        c.getName(),
                        idOf(record),
                        "signed by trusted key " + result.keyId() + ", but " + result.reason()));
          }
        }
        if (record != null) {
          if (!ids.add(record.id())) {
            problems.add(new Problem(c.getName(), record.id(), "the record id appears twice"));
          }
          if (record.run() != null) {
            runs.computeIfAbsent(record.run(), k -> new RunRecords())
                .add(c.getName(), record.event(), record.environment(), record.occurredAt());
          }
        }
        c.disposeBody();
      }
    }
    Instant cutoff = clock.instant().minus(grace);
    for (var e : runs.entrySet()) {
      e.getValue().check(e.getKey(), cutoff, problems);
    }
    return new Report(tip.getName(), commits, checked, signed, unsigned, runs.size(), problems);
  }

  private AuditSignatureVerifier.Result check(RevCommit c, byte[] signature) {
    return check(keys, c, signature);
  }

  /** Whether the commit carries a signature that verifies against one of the keys. */
  static boolean signedBy(List<AuditSignatureVerifier> keys, RevCommit c) {
    byte[] signature = c.getRawGpgSignature();
    return signature != null
        && check(keys, c, signature).outcome() == AuditSignatureVerifier.Outcome.VALID;
  }

  private static AuditSignatureVerifier.Result check(
      List<AuditSignatureVerifier> keys, RevCommit c, byte[] signature) {
    for (AuditSignatureVerifier v : keys) {
      if (v.handles(signature)) {
        return v.verify(payloadOf(c.getRawBuffer()), signature);
      }
    }
    // A kind of signature no trusted key is of: certainly not by a trusted key.
    return new AuditSignatureVerifier.Result(AuditSignatureVerifier.Outcome.UNKNOWN_KEY, "?");
  }

  private static String idOf(AuditRecord record) {
    return record == null ? null : record.id();
  }

  /** Checks one commit's shape and record; returns the record when it could be read. */
  private static AuditRecord checkCommit(Repository repository, RevCommit c, List<Problem> problems)
      throws IOException {
    String id = c.getName();
    if (c.getParentCount() > 1) {
      problems.add(new Problem(id, null, "is a merge; audit commits have one parent"));
    }
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    try (TreeWalk tw = new TreeWalk(repository)) {
      tw.setRecursive(true);
      if (c.getParentCount() == 0) {
        tw.addTree(new EmptyTreeIterator());
      } else {
        tw.addTree(c.getParent(0).getTree());
      }
      tw.addTree(c.getTree());
      tw.setFilter(TreeFilter.ANY_DIFF);
      while (tw.next()) {
        if (tw.getRawMode(0) == 0) {
          added.add(tw.getPathString());
        } else {
          changed.add(tw.getPathString());
        }
      }
    }
    if (!changed.isEmpty()) {
      problems.add(new Problem(id, null, "changes or deletes files it did not add: " + changed));
    }
    if (added.size() != 1) {
      problems.add(
          new Problem(id, null, "adds " + added.size() + " files; an audit commit adds one"));
      return null;
    }
    String path = added.get(0);
    if (!RECORD_PATH.matcher(path).matches()) {
      problems.add(new Problem(id, null, "adds " + path + ", which is not a record file"));
      return null;
    }
    AuditRecord record;
    try (TreeWalk tw = TreeWalk.forPath(repository, path, c.getTree())) {
      byte[] bytes = repository.open(tw.getObjectId(0)).getCachedBytes(1 << 20);
      record = AuditRecord.fromJson(new String(bytes, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(id, null, path + " is not a valid record: " + e.getMessage()));
      return null;
    }
    if (!record.path().equals(path)) {
      problems.add(
          new Problem(id, record.id(), "the file is " + path + " but should be " + record.path()));
    }
    Map<String, String> expected = AuditCommitMessage.trailers(record);
    Map<String, String> actual = new LinkedHashMap<>();
    for (FooterLine f : c.getFooterLines()) {
      if (f.getKey().startsWith("Cairn-")
          && actual.putIfAbsent(f.getKey(), f.getValue().strip()) != null) {
        problems.add(new Problem(id, record.id(), "the trailer " + f.getKey() + " appears twice"));
      }
    }
    for (var e : expected.entrySet()) {
      String value = actual.get(e.getKey());
      if (value == null) {
        problems.add(new Problem(id, record.id(), "the trailer " + e.getKey() + " is missing"));
      } else if (!value.equals(e.getValue())) {
        problems.add(
            new Problem(
                id,
                record.id(),
                "the trailer "
                    + e.getKey()
                    + " says '"
                    + value
                    + "' but the record says '"
                    + e.getValue()
                    + "'"));
      }
    }
    for (String key : actual.keySet()) {
      if (!expected.containsKey(key)) {
        problems.add(
            new Problem(id, record.id(), "the trailer " + key + " does not match the record"));
      }
    }
    long authored = c.getAuthorIdent().getWhenAsInstant().getEpochSecond();
    if (authored != record.occurredAt().getEpochSecond()) {
      problems.add(
          new Problem(
              id,
              record.id(),
              "the author date "
                  + c.getAuthorIdent().getWhenAsInstant()
                  + " is not the record's occurredAt "
                  + record.occurredAt()));
    }
    return record;
  }

  /** The commit without its {@code gpgsig} header: the bytes that were signed. */
  static byte[] payloadOf(byte[] raw) {
    int end = headerEnd(raw);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
    int i = 0;
    boolean inSignature = false;
    while (i < end) {
      int next = i;
      while (next < end && raw[next] != '\n') {
        next++;
      }
      next = Math.min(next + 1, end);
      boolean continuation = raw[i] == ' ';
      if (!continuation) {
        inSignature = startsWith(raw, i, "gpgsig ") || startsWith(raw, i, "gpgsig-sha256 ");
      }
      if (!inSignature) {
        out.write(raw, i, next - i);
      }
      i = next;
    }
    out.write(raw, end, raw.length - end);
    return out.toByteArray();
  }

  private static int headerEnd(byte[] raw) {
    for (int i = 0; i + 1 < raw.length; i++) {
      if (raw[i] == '\n' && raw[i + 1] == '\n') {
        return i + 1;
      }
    }
    return raw.length;
  }

  private static boolean startsWith(byte[] raw, int at, String prefix) {
    if (at + prefix.length() > raw.length) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (raw[at + k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The records of one run, to check it has its outcomes. */
  private static final class RunRecords {
    String started;
    Instant last = Instant.EPOCH;
    boolean outcome;
    final Map<String, String> deploymentsStarted = new HashMap<>();
    final Set<String> deploymentOutcomes = new HashSet<>();

    void add(String commit, AuditEvent event, String environment, Instant occurredAt) {
      if (occurredAt.isAfter(last)) {
        last = occurredAt;
      }
      if (event == AuditEvent.RUN_STARTED) {
        started = commit;
      }
      if (RUN_OUTCOMES.contains(event)) {
        outcome = true;
      }
      if (environment != null) {
        if (event == AuditEvent.DEPLOYMENT_STARTED) {
          deploymentsStarted.putIfAbsent(environment, commit);
        } else if (DEPLOYMENT_OUTCOMES.contains(event)) {
          deploymentOutcomes.add(environment);
        }
      }
    }

    void check(String run, Instant cutoff, List<Problem> problems) {
      if (!last.isBefore(cutoff)) {
        return; // may still be running
      }
      if (started != null && !outcome) {
        problems.add(
            new Problem(
                started,
                null,
                "run " + run + " started but has no build or deployment outcome record"));
      }
      for (var e : deploymentsStarted.entrySet()) {
        if (!deploymentOutcomes.contains(e.getKey())) {
          problems.add(
              new Problem(
                  e.getValue(),
                  null,
                  "run "
                      + run
                      + " started deploying to "
                      + e.getKey()
                      + " but has no outcome record there"));
        }
      }
    }
  }

  /** Describes an {@link AuditVerifier}. */
  public static final class Builder {
    private final List<AuditSignatureVerifier> keys = new ArrayList<>();
    private boolean requireSigned;
    private Duration grace = Duration.ofHours(1);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * Checks signatures against these trusted keys (OpenPGP or SSH; repeatable). Default:
     * signatures are not checked.
     */
    public Builder trustedKeys(AuditSignatureVerifier keys) {
      this.keys.add(Objects.requireNonNull(keys, "keys"));
      return this;
    }

    /** Reports unsigned commits as problems (default: counted only). */
    public Builder requireSigned() {
      this.requireSigned = true;
      return this;
    }

    /**
     * Runs whose newest record is more recent than this are treated as still running, not as
     * missing records (default 1 hour).
     */
    public Builder grace(Duration grace) {
      this.grace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** The clock for the grace period. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The verifier. */
    public AuditVerifier build() {
      return new AuditVerifier(this);
    }
  }
}
