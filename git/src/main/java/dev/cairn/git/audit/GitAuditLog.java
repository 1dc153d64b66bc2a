package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.internal.RemoteText;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
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
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.notes.Note;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * The audit trail kept in the application's git repository.
 *
 * <p>{@link #append} writes the record to an outbox directory and returns once it is on disk. A
 * single background thread (started by {@link #start()}) then, for the queued records in order:
 * fetches the remote's {@code cairn/audit} branch and notes, adds one commit per record that the
 * branch does not already contain (recognised by its {@code Cairn-Record} trailer or its file),
 * merges the record into the note on its application commit, and pushes both refs without force. A
 * rejected push (someone else pushed first) starts over from the newly fetched tips; an unreachable
 * remote is retried with exponential back-off. A record leaves the outbox only after the push that
 * contains it succeeded, so a crash at any instant neither loses nor duplicates one.
 *
 * <p>A record with a {@code releaseTag} also gets an annotated tag on its application commit,
 * pushed in the same push; a tag the remote already has is never moved.
 *
 * <p>The local bare repository only caches objects: the commits are rebuilt on the fetched remote
 * tips at every attempt, and Cairn's own refs live under {@code refs/cairn/}, so the directory may
 * be the one a {@code RepositoryMirror} uses.
 *
 * <p>Thread safety: all methods may be called from any thread; deliveries are serialised.
 */
public final class GitAuditLog implements AuditLog {

  /** The audit branch on the remote. */
  public static final String BRANCH = "refs/heads/cairn/audit";

  /** The notes ref on the remote. */
  public static final String NOTES = "refs/notes/cairn";

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

  private final Repository repository;
  private final String remote;
  private final String remoteForDisplay;
  private final AuditOutbox outbox;
  private final Supplier<RemoteCredentials> credentials;
  private final Clock clock;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int timeoutSeconds;
  private final String committerName;
  private final String committerEmail;
  private final AuditSigner signer;
  private final Path deliveredTip;
  private final ScheduledExecutorService executor;

  private final Object deliveryLock = new Object();
  private final Object stateLock = new Object();
  private volatile Runnable beforePush = () -> {};
  private ObjectId knownTip;
  private Set<String> knownIds = new HashSet<>();

  // guarded by stateLock
  private boolean started;
  private boolean closed;
  private ScheduledFuture<?> scheduled;
  private int consecutiveFailures;
  private String lastError;
  private Instant lastDelivered;
  private Instant nextAttempt;

  private GitAuditLog(Builder b, Repository repository, AuditOutbox outbox) {
    this.repository = repository;
    this.remote = b.remote;
    this.remoteForDisplay = RemoteText.displayForm(b.remote);
    this.outbox = outbox;
    this.credentials = b.credentials;
    this.clock = b.clock;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.timeoutSeconds = (int) Math.max(1, b.timeout.toSeconds());
    this.committerName = b.committerName;
    this.committerEmail = b.committerEmail;
    this.signer = b.signer;
    this.deliveredTip = b.deliveredTip;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cairn-audit-delivery");
              t.setDaemon(true);
              return t;
            });
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The message of a record's audit commit: its subject, a blank line and its trailers (for tools
   * that build trails, such as the benchmark's generator).
   */
  public static String messageOf(AuditRecord record) {
    return AuditCommitMessage.of(record);
  }

  /**
   * Starts background delivery: records already in the outbox (from a previous process) are
   * delivered at once, later ones as they are appended. Without it, records are delivered only by
   * {@link #flush()}.
   */
  public void start() {
    synchronized (stateLock) {
      started = true;
    }
    schedule(Duration.ZERO);
  }

  @Override
  public void append(AuditRecord record) throws IOException {
    Objects.requireNonNull(record, "record");
    synchronized (stateLock) {
      if (closed) {
        throw new IllegalStateException("The audit log is closed");
      }
    }
    outbox.add(record);
    boolean now;
    synchronized (stateLock) {
      // While the remote is failing, the back-off timer decides; an append must not hammer it.
      now = started && consecutiveFailures == 0;
    }
    if (now) {
      schedule(Duration.ZERO);
    }
  }

  @Override
  public AuditDeliveryStatus flush() {
    deliver();
    return status();
  }

  @Override
  public AuditDeliveryStatus status() {
    int pending;
    String error;
    try {
      pending = outbox.size();
    } catch (IOException e) {
      pending = -1;
    }
    synchronized (stateLock) {
      error = lastError;
      return new AuditDeliveryStatus(
          pending,
          consecutiveFailures,
          Optional.ofNullable(error),
          Optional.ofNullable(lastDelivered),
          Optional.ofNullable(scheduled == null ? null : nextAttempt));
    }
  }

  /** The outbox directory. */
  public Path outboxDirectory() {
    return outbox.directory();
  }

  @Override
  public void close() {
    synchronized (stateLock) {
      if (closed) {
        return;
      }
      closed = true;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
    executor.shutdown();
    try {
      // A delivery in progress finishes (bounded by the transport timeout) so the repository is
      // not closed under it; anything it did not finish stays in the outbox.
      executor.awaitTermination(timeoutSeconds * 2L + 5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (deliveryLock) {
      repository.close();
      outbox.close();
    }
  }

  @Override
  public String toString() {
    return "GitAuditLog[" + remoteForDisplay + "]";
  }

  /** Lets a test act between building the commits and pushing them, to stage a lost race. */
  void beforePush(Runnable action) {
    this.beforePush = Objects.requireNonNull(action, "action");
  }

  private void schedule(Duration delay) {
    synchronized (stateLock) {
      if (closed || !started) {
        return;
      }
      if (scheduled != null && !scheduled.isDone()) {
        if (scheduled.getDelay(TimeUnit.MILLISECONDS) <= delay.toMillis()) {
          return;
        }
        scheduled.cancel(false);
      }
      nextAttempt = clock.instant().plus(delay);
      scheduled =
          executor.schedule(this::deliverInBackground, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void deliverInBackground() {
    synchronized (stateLock) {
      scheduled = null;
      if (closed) {
        return;
      }
    }
    deliver();
  }

  /** One delivery attempt of everything queued; records the outcome and schedules what follows. */
  private void deliver() {
    boolean more;
    synchronized (deliveryLock) {
      synchronized (stateLock) {
        if (closed) {
          return;
        }
      }
      try {
        Optional<String> failure = deliverQueued();
        if (failure.isPresent()) {
          failed(failure.get());
          return;
        }
        succeeded();
        more = outbox.size() > 0;
      } catch (Exception e) {
        failed(describe(e));
        return;
      }
    }
    if (more) {
      schedule(Duration.ZERO);
    }
  }

  private void succeeded() {
    synchronized (stateLock) {
      consecutiveFailures = 0;
      lastError = null;
      lastDelivered = clock.instant();
    }
  }

  private void failed(String message) {
    Duration delay;
    synchronized (stateLock) {
      consecutiveFailures++;
      lastError = message;
      delay = backoff(consecutiveFailures);
    }
    schedule(delay);
  }

  private Duration backoff(int failures) {
    Duration d = initialBackoff;
    for (int i = 1; i < failures && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /**
   * Delivers the records queued now.
   *
   * @return empty on success, or why the remote refused
   */
  private Optional<String> deliverQueued() throws Exception {
    List<AuditOutbox.Entry> batch = outbox.list();
    if (batch.isEmpty()) {
      return Optional.empty();
    }
    String lastRejection = "";
    for (int round = 0; round < ROUNDS_PER_ATTEMPT; round++) {
      fetch();
      ObjectId baseBranch = resolve(REMOTE_BRANCH);
      ObjectId baseNotes = resolve(REMOTE_NOTES);
      Set<String> present = idsOn(baseBranch);
      ObjectId branch = baseBranch;
      ObjectId notes = baseNotes;
      try (ObjectInserter inserter = repository.newObjectInserter();
          ObjectReader reader = repository.newObjectReader();
          RevWalk walk = new RevWalk(reader)) {
        for (AuditOutbox.Entry e : batch) {
          AuditRecord r = e.record();
          if (!present.contains(r.id()) && !hasFile(walk, branch, r.path())) {
            branch = commitRecord(inserter, walk, branch, r);
            present.add(r.id());
          }
          notes = noteRecord(inserter, reader, walk, notes, r);
        }
        inserter.flush();
      }
      List<RefSpec> specs = new ArrayList<>(releaseTags(batch));
      if (!Objects.equals(branch, baseBranch)) {
        setLocalRef(OUT_BRANCH, branch);
        specs.add(new RefSpec(OUT_BRANCH + ":" + BRANCH));
      }
      if (!Objects.equals(notes, baseNotes)) {
        setLocalRef(OUT_NOTES, notes);
        specs.add(new RefSpec(OUT_NOTES + ":" + NOTES));
      }
      if (!specs.isEmpty()) {
        beforePush.run();
        Optional<String> rejection = push(specs);
        if (rejection.isPresent()) {
          lastRejection = rejection.get();
          if (lastRejection.startsWith("retry:")) {
            continue;
          }
          return rejection;
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
            + remoteForDisplay
            + " kept changing while Cairn pushed; will retry ("
            + lastRejection.substring("retry:".length()).strip()
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
      if (r.releaseTag() == null || resolve(REMOTE_TAGS + r.releaseTag()) != null) {
        continue;
      }
      ObjectId app = ObjectId.fromString(r.commit());
      if (!repository.getObjectDatabase().has(app) && !fetchedHeads) {
        fetch(List.of(APP_HEADS));
        fetchedHeads = true;
      }
      if (!repository.getObjectDatabase().has(app)) {
        continue;
      }
      ObjectId tag;
      try (ObjectInserter inserter = repository.newObjectInserter()) {
        TagBuilder builder = new TagBuilder();
        builder.setObjectId(app, Constants.OBJ_COMMIT);
        builder.setTag(r.releaseTag());
        builder.setTagger(
            new PersonIdent(committerName, committerEmail, r.occurredAt(), ZoneOffset.UTC));
        builder.setMessage(r.subject() + "\n\nCairn-Record: " + r.id() + "\n");
        tag = inserter.insert(builder);
        inserter.flush();
      }
      setLocalRef(OUT_TAGS + r.releaseTag(), tag);
      specs.add(new RefSpec(OUT_TAGS + r.releaseTag() + ":" + Constants.R_TAGS + r.releaseTag()));
    }
    return specs;
  }

  private void fetch() throws Exception {
    fetch(FETCH_SPECS);
  }

  private void fetch(List<RefSpec> refSpecs) throws Exception {
    try (Git git = Git.wrap(repository)) {
      git.fetch()
          .setRemote(remote)
          .setRefSpecs(refSpecs)
          .setTagOpt(TagOpt.NO_TAGS)
          .setRemoveDeletedRefs(true)
          .setTimeout(timeoutSeconds)
          .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
          .call();
    }
  }

  /**
   * Pushes without force.
   *
   * @return empty when every ref was updated; {@code retry:...} when the remote moved on; otherwise
   *     why the remote refused
   */
  private Optional<String> push(List<RefSpec> specs) throws Exception {
    Iterable<PushResult> results;
    try (Git git = Git.wrap(repository)) {
      results =
          git.push()
              .setRemote(remote)
              .setRefSpecs(specs)
              .setForce(false)
              .setTimeout(timeoutSeconds)
              .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
              .call();
    }
    boolean retry = false;
    StringBuilder problems = new StringBuilder();
    for (PushResult result : results) {
      for (RemoteRefUpdate u : result.getRemoteUpdates()) {
        switch (u.getStatus()) {
          case OK, UP_TO_DATE -> {}
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
            retry = true;
            problems.append(' ').append(u.getRemoteName()).append(" moved on");
          }
          default -> {
            if (u.getRemoteName().startsWith(Constants.R_TAGS) && !lockedByAnotherWriter(u)) {
              // A remote that refuses release tags (protected tags, ...) must not hold back the
              // records: the tag is left out, the record still names it.
              continue;
            }
            if (lockedByAnotherWriter(u)) {
              retry = true;
              problems.append(' ').append(u.getRemoteName()).append(" was locked");
            } else {
              problems
                  .append(' ')
                  .append(u.getRemoteName())
                  .append(": ")
                  .append(u.getStatus())
                  .append(u.getMessage() == null ? "" : " (" + redact(u.getMessage()) + ")");
            }
          }
        }
      }
    }
    if (problems.isEmpty()) {
      return Optional.empty();
    }
    if (retry) {
      return Optional.of("retry:" + problems);
    }
    return Optional.of("The push to " + remoteForDisplay + " was refused:" + problems);
  }

  /** Another writer updating the ref at that instant: the same race, lost differently. */
  private static boolean lockedByAnotherWriter(RemoteRefUpdate u) {
    return u.getStatus() == RemoteRefUpdate.Status.REJECTED_OTHER_REASON
        && u.getMessage() != null
        && u.getMessage().toLowerCase(Locale.ROOT).contains("lock");
  }

  private ObjectId commitRecord(
      ObjectInserter inserter, RevWalk walk, ObjectId parent, AuditRecord r) throws IOException {
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

  private ObjectId noteRecord(
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

  /** The record ids on the branch, walking only the commits added since the last look. */
  private Set<String> idsOn(ObjectId tip) throws IOException {
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

  private static boolean hasFile(RevWalk walk, ObjectId tip, String path) throws IOException {
    if (tip == null) {
      return false;
    }
    try (TreeWalk tw =
        TreeWalk.forPath(walk.getObjectReader(), path, walk.parseCommit(tip).getTree())) {
      return tw != null;
    }
  }

  private ObjectId resolve(String ref) throws IOException {
    Ref r = repository.exactRef(ref);
    return r == null ? null : r.getObjectId();
  }

  private void setLocalRef(String name, ObjectId id) throws IOException {
    RefUpdate u = repository.updateRef(name);
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    RefUpdate.Result result = u.update();
    switch (result) {
      case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {}
      default ->
          throw new IOException(
              "Could not update " + name + " in " + repository.getDirectory() + ": " + result);
    }
  }

  private String describe(Exception e) {
    return "Cannot deliver audit records to "
        + remoteForDisplay
        + ": "
        + redact(RemoteText.rootMessage(e));
  }

  private String redact(String text) {
    return RemoteText.redact(remote, text, credentials);
  }

  /** Describes a {@link GitAuditLog}. */
  public static final class Builder {
    private String remote;
    private Path repositoryDirectory;
    private Path outboxDirectory;
    private Supplier<RemoteCredentials> credentials;
    private Clock clock = Clock.systemUTC();
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private Duration timeout = Duration.ofSeconds(30);
    private String committerName = "Cairn";
    private String committerEmail = "cairn@localhost";
    private AuditSigner signer;
    private Path deliveredTip;

    private Builder() {}

    /** The application's remote: a local path or a URL. */
    public Builder remote(String remote) {
      this.remote = Objects.requireNonNull(remote, "remote");
      return this;
    }

    /** The application's remote as a local path. */
    public Builder remote(Path remote) {
      return remote(remote.toAbsolutePath().toString());
    }

    /** The local bare repository that holds objects between attempts; created if absent. */
    public Builder repository(Path directory) {
      this.repositoryDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The outbox directory (in {@code CAIRN_HOME}); created if absent. It is locked while the log
     * is open: one instance per outbox.
     */
    public Builder outbox(Path directory) {
      this.outboxDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Where to get credentials for an HTTPS remote, asked at every attempt. */
    public Builder credentials(Supplier<RemoteCredentials> credentials) {
      this.credentials = credentials;
      return this;
    }

    /** The clock for committer times and the status. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The first retry delay after a failure (default 1s); it doubles up to {@link #maxBackoff}. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = positive(initialBackoff, "initialBackoff");
      return this;
    }

    /** The longest retry delay (default 5 minutes). */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = positive(maxBackoff, "maxBackoff");
      return this;
    }

    /** The network timeout of one fetch or push (default 30s). */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /** The name and e-mail on audit commits (default {@code Cairn <cairn@localhost>}). */
    public Builder committer(String name, String email) {
      this.committerName = Objects.requireNonNull(name, "name");
      this.committerEmail = Objects.requireNonNull(email, "email");
      return this;
    }

    /** Signs every record commit with this key (default: unsigned). Notes commits stay unsigned. */
    public Builder signer(AuditSigner signer) {
      this.signer = signer;
      return this;
    }

    /**
     * A file (in {@code CAIRN_HOME}) where the branch tip of every accepted push is recorded, for
     * {@code cairn audit verify} (see {@link AuditTipFile}); default: none.
     */
    public Builder deliveredTip(Path file) {
      this.deliveredTip = file;
      return this;
    }

    /**
     * Opens the log: the outbox is read as it is (records of a previous process are delivered after
     * {@link GitAuditLog#start()}), the repository is created if needed. No network.
     *
     * @throws IOException if a directory cannot be created or is not a bare repository, or the
     *     outbox is in use by another instance
     */
    public GitAuditLog build() throws IOException {
      Objects.requireNonNull(remote, "remote");
      Objects.requireNonNull(repositoryDirectory, "repository");
      Objects.requireNonNull(outboxDirectory, "outbox");
      if (maxBackoff.compareTo(initialBackoff) < 0) {
        throw new IllegalArgumentException("maxBackoff is shorter than initialBackoff");
      }
      AuditOutbox outbox = new AuditOutbox(outboxDirectory);
      try {
        return new GitAuditLog(this, openRepository(), outbox);
      } catch (IOException | RuntimeException e) {
        outbox.close();
        throw e;
      }
    }

    private Repository openRepository() throws IOException {
      Path dir = repositoryDirectory.toAbsolutePath();
      Repository repository;
      if (Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"))) {
        repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
        if (!repository.isBare()) {
          repository.close();
          throw new IOException("Not a bare repository: " + dir);
        }
      } else {
        Files.createDirectories(dir);
        repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        repository.create(true);
      }
      return repository;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive");
      }
      return d;
    }
  }
}
