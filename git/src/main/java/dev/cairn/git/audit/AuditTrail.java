package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.internal.RedactedCause;
import dev.cairn.git.internal.RemoteText;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.port.AuditHistory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.FooterLine;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads the audit trail from a local repository's {@code cairn/audit} branch: the entries in trail
 * order (oldest first), filtered; one record in full.
 *
 * <p>Listing reads only the audit commits' trailers, author dates and subjects, never the record
 * files. With an index directory (in {@code CAIRN_HOME}) the entries are cached by branch tip: a
 * later read walks only the commits added since, and a tip that is not a descendant of the cached
 * one (a rewritten branch) rebuilds the cache. {@link #fetch} first copies the branch from a remote
 * into a local cache repository.
 *
 * <p>Not thread safe; open one per use.
 */
public final class AuditTrail implements AutoCloseable, AuditHistory {

  /** The refs searched for the trail in a local repository, in this order. */
  public static final List<String> REFS =
      List.of(
          GitAuditLog.BRANCH,
          "refs/cairn/remote/heads/cairn/audit",
          "refs/remotes/origin/cairn/audit");

  private static final Map<String, AuditEvent> EVENTS = new HashMap<>();

  static {
    for (AuditEvent e : AuditEvent.values()) {
      EVENTS.put(e.wireName(), e);
    }
  }

  private final Repository repository;
  private final String ref;
  private final AuditTrailIndex index;
  private List<TrailEntry> entries;
  private ObjectId tip;
  private boolean tipRead;

  /**
   * A found record.
   *
   * @param entry its index entry
   * @param record the record as its file says
   * @param path the file on the branch
   * @param message the audit commit's full message
   * @param committedAt when the audit commit was made
   * @param signed whether the audit commit carries a signature
   */
  public record Found(
      TrailEntry entry,
      AuditRecord record,
      String path,
      String message,
      Instant committedAt,
      boolean signed) {}

  /**
   * What to list. Null fields do not filter.
   *
   * @param environment only this environment
   * @param commitPrefix only application commits starting with this (lower-case hex)
   * @param event only this event
   * @param since only records that occurred at or after this
   * @param until only records that occurred before this
   * @param limit only the newest this many matches (0 for all)
   */
  public record Query(
      String environment,
      String commitPrefix,
      AuditEvent event,
      Instant since,
      Instant until,
      int limit) {

    /** Everything. */
    public static Query all() {
      return new Query(null, null, null, null, null, 0);
    }

    boolean matches(TrailEntry e) {
      return (environment == null || environment.equals(e.environment()))
          && (commitPrefix == null || e.commit().startsWith(commitPrefix))
          && (event == null || event == e.event())
          && (since == null || !e.occurredAt().isBefore(since))
          && (until == null || e.occurredAt().isBefore(until));
    }
  }

  private AuditTrail(Repository repository, String ref, Path indexDirectory) {
    this.repository = repository;
    this.ref = ref;
    this.index = indexDirectory == null ? null : new AuditTrailIndex(indexDirectory);
  }

  /**
   * Opens the trail in a local repository (bare or with a work tree).
   *
   * @param gitDirectory the repository ({@code .git} directory, or a work tree that has one)
   * @param ref the branch ref, or null for the first of {@link #REFS} that exists
   * @param indexRoot where indexes are kept (e.g. {@code CAIRN_HOME/audit/index}), or null for none
   * @throws IOException if it is not a git repository
   */
  public static AuditTrail open(Path gitDirectory, String ref, Path indexRoot) throws IOException {
    Path dir = gitDirectory.toAbsolutePath().normalize();
    if (Files.isDirectory(dir.resolve(".git"))) {
      dir = dir.resolve(".git");
    }
    if (!Files.isRegularFile(dir.resolve("HEAD")) || !Files.isDirectory(dir.resolve("objects"))) {
      throw new IOException("Not a git repository: " + gitDirectory);
    }
    Repository repository =
        new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    String chosen = ref;
    if (chosen == null) {
      chosen = REFS.get(0);
      for (String candidate : REFS) {
        if (repository.exactRef(candidate) != null) {
          chosen = candidate;
          break;
        }
      }
    }
    Path indexDirectory = indexRoot == null ? null : indexRoot.resolve(key(dir + "\n" + chosen));
    return new AuditTrail(repository, chosen, indexDirectory);
  }

  /**
   * Copies the remote's {@code cairn/audit} branch into a local cache repository (created if
   * absent; the branch there follows the remote even when it was rewritten) and opens it.
   *
   * @param remote a local path or a URL
   * @param cache the cache repository's directory
   * @param credentials for HTTPS remotes, or null
   * @param timeout the network timeout
   * @param indexRoot where indexes are kept, or null
   * @throws IOException if the remote cannot be fetched (the message says why, without secrets)
   */
  public static AuditTrail fetch(
      String remote,
      Path cache,
      Supplier<RemoteCredentials> credentials,
      Duration timeout,
      Path indexRoot)
      throws IOException {
    Objects.requireNonNull(remote, "remote");
    Path dir = cache.toAbsolutePath().normalize();
    Repository repository;
    if (Files.isRegularFile(dir.resolve("HEAD"))) {
      repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
    } else {
      Files.createDirectories(dir);
      repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
      repository.create(true);
    }
    try (Git git = Git.wrap(repository)) {
      git.fetch()
          .setRemote(remote)
          // A pattern (JGit's wildcards are whole path parts), so that a remote without the
          // branch (no trail yet) is not an error; other cairn/* branches come along.
          .setRefSpecs(new RefSpec("+refs/heads/cairn/*:refs/heads/cairn/*"))
          .setTagOpt(TagOpt.NO_TAGS)
          .setRemoveDeletedRefs(true)
          .setTimeout((int) Math.max(1, timeout.toSeconds()))
          .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
          .call();
    } catch (GitAPIException | RuntimeException e) {
      repository.close();
      String why =
          e.getCause() != null && e.getCause().getMessage() != null
              ? e.getCause().getMessage()
              : e.getMessage();
      String shown = why == null ? "unknown error" : RemoteText.redact(remote, why, credentials);
      throw new IOException(
          "Cannot read the audit trail of " + RemoteText.displayForm(remote) + ": " + shown,
          RedactedCause.of(e, text -> RemoteText.redact(remote, text, credentials)));
    }
    Path indexDirectory =
        indexRoot == null ? null : indexRoot.resolve(key(dir + "\n" + GitAuditLog.BRANCH));
    return new AuditTrail(repository, GitAuditLog.BRANCH, indexDirectory);
  }

  /** The repository read. */
  public Repository repository() {
    return repository;
  }

  /** The ref read. */
  public String ref() {
    return ref;
  }

  /** The branch's tip, or empty when there is no trail yet. */
  public Optional<ObjectId> tip() throws IOException {
    if (!tipRead) {
      Ref r = repository.exactRef(ref);
      tip = r == null ? null : r.getObjectId();
      tipRead = true;
    }
    return Optional.ofNullable(tip);
  }

  /** Every entry, oldest first. */
  @Override
  public List<TrailEntry> entries() throws IOException {
    if (entries == null) {
      entries = Collections.unmodifiableList(load());
    }
    return entries;
  }

  /**
   * The trail as decisions should see it when audit commits are signed: only the entries whose
   * audit commit carries a signature that verifies against one of {@code keys}. An entry someone
   * with push access appended without the key (say, a forged {@code deployed} that would choose the
   * next rollback target) is left out, and so are entries delivered before signing was turned on.
   * The entries are those of {@link #entries()}; the view checks each audit commit once.
   *
   * @param keys the trusted keys (at least one)
   */
  public AuditHistory trusting(List<AuditSignatureVerifier> keys) {
    List<AuditSignatureVerifier> trusted = List.copyOf(keys);
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("a trusted view of the trail needs at least one key");
    }
    // Whether each audit commit's signature verified: one check per commit and view.
    Map<String, Boolean> verdicts = new HashMap<>();
    return () -> {
      List<TrailEntry> out = new ArrayList<>();
      try (RevWalk walk = new RevWalk(repository)) {
        for (TrailEntry e : entries()) {
          Boolean verified = verdicts.get(e.auditCommit());
          if (verified == null) {
            RevCommit c = walk.parseCommit(ObjectId.fromString(e.auditCommit()));
            verified = AuditVerifier.signedBy(trusted, c);
            c.disposeBody();
            verdicts.put(e.auditCommit(), verified);
          }
          if (verified) {
            out.add(e);
          }
        }
      }
      return Collections.unmodifiableList(out);
    };
  }

  /** The entries a query selects, oldest first. */
  public List<TrailEntry> query(Query query) throws IOException {
    List<TrailEntry> all = entries();
    List<TrailEntry> out = new ArrayList<>();
    if (query.limit() > 0) {
      // Newest matches first, then back to trail order: a limit never scans more than it must.
      for (int i = all.size() - 1; i >= 0 && out.size() < query.limit(); i--) {
        if (query.matches(all.get(i))) {
          out.add(all.get(i));
        }
      }
      Collections.reverse(out);
      return out;
    }
    for (TrailEntry e : all) {
      if (query.matches(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The record with this id or id prefix, or added by the audit commit with this id or prefix.
   *
   * @throws IllegalArgumentException when the prefix matches more than one record (naming them)
   */
  public Optional<Found> find(String idOrPrefix) throws IOException {
    String p = idOrPrefix.strip().toLowerCase(java.util.Locale.ROOT);
    if (p.length() < 4) {
      throw new IllegalArgumentException("give at least 4 characters of a record or commit id");
    }
    List<TrailEntry> matches = new ArrayList<>();
    for (TrailEntry e : entries()) {
      if (e.id().startsWith(p) || e.auditCommit().startsWith(p)) {
        matches.add(e);
      }
    }
    if (matches.size() > 1) {
      StringBuilder names = new StringBuilder();
      for (TrailEntry e : matches.subList(0, Math.min(5, matches.size()))) {
        names.append("\n  ").append(e.id()).append("  ").append(e.subject());
      }
      throw new IllegalArgumentException(
          "'" + idOrPrefix + "' matches " + matches.size() + " records:" + names);
    }
    if (matches.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(read(matches.get(0)));
  }

  /** Reads the full record of an entry from its audit commit. */
  public Found read(TrailEntry entry) throws IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit c = walk.parseCommit(ObjectId.fromString(entry.auditCommit()));
      String path = recordPath(entry);
      try (TreeWalk tw = TreeWalk.forPath(repository, path, c.getTree())) {
        if (tw == null) {
          throw new IOException("audit commit " + entry.auditCommit() + " has no file " + path);
        }
        byte[] bytes = repository.open(tw.getObjectId(0)).getCachedBytes(1 << 20);
        AuditRecord record = AuditRecord.fromJson(new String(bytes, StandardCharsets.UTF_8));
        return new Found(
            entry,
            record,
            path,
            c.getFullMessage(),
            c.getCommitterIdent().getWhenAsInstant(),
            c.getRawGpgSignature() != null);
      }
    }
  }

  /** The file of an entry's record, as the writer names it. */
  static String recordPath(TrailEntry e) {
    var utc = e.occurredAt().atOffset(java.time.ZoneOffset.UTC);
    return String.format(
        java.util.Locale.ROOT,
        "records/%04d/%02d/%s.json",
        utc.getYear(),
        utc.getMonthValue(),
        e.id());
  }

  @Override
  public void close() {
    repository.close();
  }

  private List<TrailEntry> load() throws IOException {
    Optional<ObjectId> head = tip();
    if (head.isEmpty()) {
      return new ArrayList<>();
    }
    Optional<AuditTrailIndex.State> cached = index == null ? Optional.empty() : index.read();
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit start = walk.parseCommit(head.get());
      if (cached.isPresent() && cached.get().tip().equals(start.getName())) {
        return new ArrayList<>(cached.get().entries());
      }
      boolean incremental = false;
      if (cached.isPresent()) {
        ObjectId old = ObjectId.fromString(cached.get().tip());
        if (repository.getObjectDatabase().has(old)) {
          incremental = walk.isMergedInto(walk.parseCommit(old), start);
        }
        walk.reset();
        if (incremental) {
          walk.markUninteresting(walk.parseCommit(old));
        }
      }
      walk.markStart(walk.parseCommit(head.get()));
      List<TrailEntry> added = new ArrayList<>();
      for (RevCommit c : walk) {
        TrailEntry e = entryOf(c);
        if (e != null) {
          added.add(e);
        }
        // The body is no longer needed; dropping it keeps a 100,000-commit walk small.
        c.disposeBody();
      }
      Collections.reverse(added);
      List<TrailEntry> all = new ArrayList<>();
      if (incremental) {
        all.addAll(cached.get().entries());
      }
      all.addAll(added);
      if (index != null) {
        try {
          index.append(incremental ? cached.get().length() : 0, added, start.getName());
        } catch (IOException e) {
          // The index is a cache: failing to write it only makes the next read slower.
        }
      }
      return all;
    }
  }

  /** The entry of an audit commit from its trailers, or null when it carries no record. */
  static TrailEntry entryOf(RevCommit c) {
    Map<String, String> t = trailersOf(c);
    String id = t.get("cairn-record");
    AuditEvent event = EVENTS.get(t.getOrDefault("cairn-event", ""));
    String commit = t.get("cairn-commit");
    if (id == null || event == null || commit == null) {
      return null;
    }
    Instant committedAt = null;
    String at = t.get("cairn-committed-at");
    if (at != null) {
      try {
        committedAt = Instant.parse(at);
      } catch (DateTimeParseException ignored) {
        // A malformed optional trailer is reported by audit verify; listing goes on without it.
      }
    }
    return new TrailEntry(
        c.getName(),
        id,
        event,
        c.getAuthorIdent().getWhenAsInstant(),
        t.get("cairn-environment"),
        commit,
        t.get("cairn-run"),
        t.get("cairn-artifact"),
        t.get("cairn-error"),
        t.get("cairn-rolled-back-to"),
        t.get("cairn-superseded-by"),
        t.get("cairn-actor"),
        t.get("cairn-action"),
        committedAt,
        c.getShortMessage());
  }

  /** The commit's trailers by lower-case key; the first value of a repeated key wins. */
  static Map<String, String> trailersOf(RevCommit c) {
    Map<String, String> t = new HashMap<>();
    for (FooterLine f : c.getFooterLines()) {
      t.putIfAbsent(f.getKey().toLowerCase(java.util.Locale.ROOT), f.getValue().strip());
    }
    return t;
  }

  /** A file-system-safe name for one source of trail. */
  static String key(String source) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
