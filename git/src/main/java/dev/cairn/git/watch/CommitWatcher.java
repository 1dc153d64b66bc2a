package dev.cairn.git.watch;

import dev.cairn.git.CommitInfo;
import dev.cairn.git.GitRemoteException;
import dev.cairn.git.NewCommits;
import dev.cairn.git.RepositoryMirror;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Notices new commits on the watched branch of a {@link RepositoryMirror} and hands each to a
 * listener exactly once, oldest first.
 *
 * <p>Every poll interval (and at once after {@link #notifyPush()}) the watcher asks the remote for
 * the branch head with one ls-remote call and fetches only when the head differs from what it
 * knows. The id of the last delivered commit is kept in a state file, written after the listener
 * returns, so a restarted watcher continues where it stopped: nothing is delivered twice and
 * nothing is skipped. The one exception is a crash between the listener's return and that write,
 * after which that single commit is delivered again; listeners should therefore be idempotent per
 * commit id (for instance by keying runs on it).
 *
 * <p>Special cases:
 *
 * <ul>
 *   <li>No state file yet: only the branch's current head is delivered, not its whole history.
 *   <li>Force-push (the last delivered commit is no longer an ancestor of the head): only the new
 *       head is delivered and a warning is logged.
 *   <li>Remote errors: the check is retried at the next tick; {@link #status()} reports the error
 *       and whether it needs a person. Nothing is lost, because delivery always starts from the
 *       remembered commit.
 *   <li>A listener that throws has not accepted the commit: delivery stops there and the same
 *       commit is offered again at the next check.
 * </ul>
 *
 * <p>All checks run on one thread of the watcher's own, so the listener is never called
 * concurrently.
 */
public final class CommitWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(CommitWatcher.class.getName());

  private final RepositoryMirror mirror;
  private final String branch;
  private final DeliveryState state;
  private final Consumer<CommitInfo> listener;
  private final Duration pollInterval;
  private final Clock clock;
  private final ScheduledThreadPoolExecutor executor;
  private final AtomicBoolean checkPending = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();

  private volatile String lastDelivered;
  private volatile Instant lastCheckAt;
  private volatile Instant lastSuccessAt;
  private volatile String lastError;

  /** The last "waiting for the first push" said, so that it is said once. */
  private volatile String lastWaiting;

  private volatile boolean needsAttention;

  private CommitWatcher(Builder b, String lastDelivered) {
    this.mirror = b.mirror;
    this.branch = b.mirror.branch();
    this.state = b.state;
    this.listener = b.listener;
    this.pollInterval = b.pollInterval;
    this.clock = b.clock;
    this.lastDelivered = lastDelivered;
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "cairn-commit-watcher-" + branch);
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Starts describing a watcher.
   *
   * @return a builder; mirror, state file and listener are required
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts polling: a first check right away, then one every poll interval after the previous check
   * ended. Calling it again has no effect.
   */
  public void start() {
    if (started.compareAndSet(false, true)) {
      executor.scheduleWithFixedDelay(
          this::check, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Asks for a check as soon as possible, without waiting for the poll interval; called when a hook
   * or webhook reports a push. Notifications that arrive while a check is already queued are merged
   * into it. Returns immediately.
   */
  public void notifyPush() {
    if (executor.isShutdown()) {
      return;
    }
    if (checkPending.compareAndSet(false, true)) {
      try {
        executor.execute(this::check);
      } catch (RejectedExecutionException e) {
        // closed meanwhile: there is nobody left to check
        checkPending.set(false);
      }
    }
  }

  /**
   * What the watcher last saw.
   *
   * @return the current status
   */
  public WatchStatus status() {
    return new WatchStatus(
        branch,
        Optional.ofNullable(lastDelivered),
        Optional.ofNullable(lastCheckAt),
        Optional.ofNullable(lastSuccessAt),
        Optional.ofNullable(lastError),
        needsAttention);
  }

  /**
   * Stops polling and waits for a check in progress to finish, so that its delivery is recorded.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void check() {
    checkPending.set(false);
    lastCheckAt = clock.instant();
    try {
      checkOnce();
      succeeded();
    } catch (GitRemoteException e) {
      failed(e.getMessage(), !e.retryable());
    } catch (BranchNotYet e) {
      waiting(e.getMessage());
    } catch (BranchMissing e) {
      failed(e.getMessage(), true);
    } catch (IOException e) {
      failed("Cannot use the mirror or state of " + mirror + ": " + e.getMessage(), true);
    } catch (ListenerFailure e) {
      failed(e.getMessage(), false);
    } catch (RuntimeException e) {
      // Must not escape: an exception thrown by a scheduled task cancels all later ticks.
      failed("Unexpected error while checking " + mirror + ": " + e, true);
      LOG.log(Level.ERROR, "Commit watcher check failed", e);
    }
  }

  private void checkOnce() throws GitRemoteException, IOException {
    Optional<String> remoteHead = mirror.lsRemoteHead(branch);
    if (remoteHead.isEmpty() && lastDelivered == null) {
      // A new repository: nobody has pushed the branch yet. Normal, not an error.
      throw new BranchNotYet(
          "Waiting for the first push to branch "
              + branch
              + " of "
              + mirror.remoteForDisplay()
              + " (it has no commit yet)");
    }
    if (remoteHead.isEmpty()) {
      throw new BranchMissing(
          "The remote " + mirror.remoteForDisplay() + " has no branch " + branch);
    }
    if (remoteHead.get().equals(lastDelivered)) {
      return;
    }
    if (!remoteHead.equals(mirror.head())) {
      mirror.fetch();
    }
    deliverNewCommits();
  }

  private void deliverNewCommits() throws IOException {
    Optional<String> head = mirror.head();
    if (head.isEmpty()) {
      return;
    }
    List<CommitInfo> commits;
    String since = lastDelivered;
    if (since == null) {
      commits = List.of(mirror.commit(head.get()).orElseThrow());
    } else {
      NewCommits found = mirror.newCommitsSince(since);
      if (found.rewritten()) {
        LOG.log(
            Level.WARNING,
            "Branch {0} of {1} was rewritten (force-push?): {2} is no longer its ancestor;"
                + " delivering only the new head {3}, commits in between are not run",
            branch,
            mirror.remoteForDisplay(),
            since,
            head.get());
      }
      commits = found.commits();
    }
    for (CommitInfo commit : commits) {
      try {
        listener.accept(commit);
      } catch (RuntimeException e) {
        throw new ListenerFailure(
            "The listener did not accept commit " + commit.id() + " (offered again later): " + e,
            e);
      }
      state.write(commit.id());
      lastDelivered = commit.id();
    }
  }

  private void succeeded() {
    if (lastError != null) {
      LOG.log(Level.INFO, "Commit watcher for {0} recovered", mirror);
    }
    lastError = null;
    needsAttention = false;
    lastSuccessAt = lastCheckAt;
  }

  /** Nothing to do yet: told once, at INFO, and the check counts as a success. */
  private void waiting(String message) {
    if (!message.equals(lastWaiting)) {
      LOG.log(Level.INFO, message);
      lastWaiting = message;
    }
    succeeded();
  }

  private void failed(String message, boolean person) {
    // Logged when the error changes, not at every tick of a long outage.
    if (!message.equals(lastError)) {
      LOG.log(person ? Level.ERROR : Level.WARNING, message);
    }
    lastError = message;
    needsAttention = person;
  }

  /** The branch does not exist on the remote any more: keep polling, someone may push it. */
  private static final class BranchMissing extends IOException {
    private static final long serialVersionUID = 1L;

    BranchMissing(String message) {
      super(message);
    }
  }

  /** The branch was never seen: a repository nobody has pushed to yet. */
  private static final class BranchNotYet extends IOException {
    private static final long serialVersionUID = 1L;

    BranchNotYet(String message) {
      super(message);
    }
  }

  private static final class ListenerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ListenerFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Describes a {@link CommitWatcher}. */
  public static final class Builder {
    private RepositoryMirror mirror;
    private DeliveryState state;
    private Consumer<CommitInfo> listener;
    private Duration pollInterval = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The mirror to watch; its branch is the watched branch. The watcher does not close it.
     *
     * @param mirror the mirror
     * @return this builder
     */
    public Builder mirror(RepositoryMirror mirror) {
      this.mirror = Objects.requireNonNull(mirror, "mirror");
      return this;
    }

    /**
     * The file that remembers the last delivered commit; created on first delivery.
     *
     * @param stateFile the file
     * @return this builder
     */
    public Builder stateFile(Path stateFile) {
      this.state = new DeliveryState(Objects.requireNonNull(stateFile, "stateFile"));
      return this;
    }

    /**
     * Receives each new commit once, oldest first, on the watcher's thread. Throwing means "not
     * accepted": the commit is offered again at the next check.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(Consumer<CommitInfo> listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Time between the end of one check and the start of the next; default 5 seconds.
     *
     * @param pollInterval a positive duration
     * @return this builder
     */
    public Builder pollInterval(Duration pollInterval) {
      if (pollInterval.isNegative() || pollInterval.isZero()) {
        throw new IllegalArgumentException("The poll interval must be positive: " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * The clock for status times; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Creates the watcher (not yet started), reading the state file.
     *
     * @return the watcher
     * @throws IOException if the state file exists but cannot be read or holds no commit id
     */
    public CommitWatcher build() throws IOException {
      Objects.requireNonNull(mirror, "mirror");
      Objects.requireNonNull(state, "stateFile");
      Objects.requireNonNull(listener, "listener");
      return new CommitWatcher(this, state.read().orElse(null));
    }
  }
}
