package dev.cairn.git.audit;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.AuditLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

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
 * <p>This class holds the outbox, the schedule and the back-off; one delivery (fetch, rebuild,
 * push, reapply on a lost race) is {@link AuditDelivery}'s, the git objects are written by {@link
 * AuditCommitWriter}, and the remote is spoken to through {@link AuditRemote}.
 *
 * <p>Thread safety: all methods may be called from any thread; deliveries are serialised.
 */
public final class GitAuditLog implements AuditLog {

  /** The audit branch on the remote. */
  public static final String BRANCH = "refs/heads/cairn/audit";

  /** The notes ref on the remote. */
  public static final String NOTES = "refs/notes/cairn";

  private final Repository repository;
  private final AuditRemote remote;
  private final AuditOutbox outbox;
  private final AuditDelivery delivery;
  private final Clock clock;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int timeoutSeconds;
  private final ScheduledExecutorService executor;

  private final Object deliveryLock = new Object();
  private final Object stateLock = new Object();

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
    this.timeoutSeconds = (int) Math.max(1, b.timeout.toSeconds());
    this.remote = new AuditRemote(repository, b.remote, b.credentials, timeoutSeconds);
    this.outbox = outbox;
    this.delivery =
        new AuditDelivery(
            outbox,
            remote,
            new AuditCommitWriter(repository, b.committerName, b.committerEmail, b.clock, b.signer),
            b.deliveredTip);
    this.clock = b.clock;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
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
    return "GitAuditLog[" + remote.displayForm() + "]";
  }

  /** Lets a test act between building the commits and pushing them, to stage a lost race. */
  void beforePush(Runnable action) {
    delivery.beforePush(action);
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
        Optional<String> failure = delivery.deliverQueued();
        if (failure.isPresent()) {
          failed(failure.get());
          return;
        }
        succeeded();
        more = outbox.size() > 0;
      } catch (Exception e) {
        failed(remote.describe(e));
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
