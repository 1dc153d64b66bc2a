package dev.cairn.git;

import dev.cairn.git.internal.RedactedCause;
import dev.cairn.git.internal.RemoteText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.InvalidRemoteException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.TrackingRefUpdate;

/**
 * A bare mirror of the application repository in a local directory.
 *
 * <p>{@link #fetch()} copies the remote's branches and tags into the mirror (force-updating them,
 * as a mirror must follow the remote even when history is rewritten) and reports the new commits of
 * the watched branch. Everything else Cairn reads from a commit (the pipeline file, a workspace)
 * comes from the mirror, without network.
 *
 * <p>The remote is a local path or a URL. Credentials come from a supplier asked at every remote
 * operation, so a rotated token is picked up; they are never stored, logged or put into messages.
 *
 * <p>Thread safety: remote operations are serialised; reading commits may happen concurrently.
 */
public final class RepositoryMirror implements AutoCloseable {

  private static final String HEADS = "refs/heads/";
  private static final List<RefSpec> MIRROR_SPECS =
      List.of(new RefSpec("+refs/heads/*:refs/heads/*"), new RefSpec("+refs/tags/*:refs/tags/*"));

  private final String remote;
  private final String remoteForDisplay;
  private final Path directory;
  private final String branch;
  private final Supplier<RemoteCredentials> credentials;
  private final int timeoutSeconds;
  private final Repository repository;

  private RepositoryMirror(Builder b, Repository repository) {
    this.remote = b.remote;
    this.remoteForDisplay = RemoteText.displayForm(b.remote);
    this.directory = b.directory;
    this.branch = b.branch;
    this.credentials = b.credentials;
    this.timeoutSeconds = (int) Math.max(1, b.timeout.toSeconds());
    this.repository = repository;
  }

  /**
   * Starts describing a mirror.
   *
   * @return a builder; {@code remote} and {@code directory} are required
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The watched branch, e.g. {@code main}.
   *
   * @return the short branch name
   */
  public String branch() {
    return branch;
  }

  /**
   * The remote without user name, password or token: safe for logs and messages.
   *
   * @return the remote's display form
   */
  public String remoteForDisplay() {
    return remoteForDisplay;
  }

  /**
   * The mirror's directory (a bare repository).
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * The mirror as a JGit repository, for reading objects (workspaces, pipeline file). Callers must
   * not close it nor change its refs.
   *
   * @return the open repository
   */
  public Repository repository() {
    return repository;
  }

  /**
   * The watched branch's head as last fetched into the mirror.
   *
   * @return the commit id, or empty before the first fetch that saw the branch
   * @throws IOException if the mirror cannot be read
   */
  public Optional<String> head() throws IOException {
    Ref ref = repository.exactRef(HEADS + branch);
    return ref == null || ref.getObjectId() == null
        ? Optional.empty()
        : Optional.of(ref.getObjectId().name());
  }

  /**
   * Asks the remote for a branch's head without fetching anything: one cheap round trip, meant for
   * polling.
   *
   * @param branchName the short branch name
   * @return the head commit id, or empty if the remote has no such branch
   * @throws GitRemoteException if the remote cannot be asked; the subclass says whether to retry
   */
  public Optional<String> lsRemoteHead(String branchName) throws GitRemoteException {
    requireValidBranch(branchName);
    Map<String, Ref> refs;
    synchronized (this) {
      try {
        refs =
            Git.lsRemoteRepository()
                .setRemote(remote)
                .setHeads(true)
                .setTimeout(timeoutSeconds)
                .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
                .callAsMap();
      } catch (GitAPIException | RuntimeException e) {
        throw classify("list the branches of", e);
      }
    }
    Ref ref = refs.get(HEADS + branchName);
    return ref == null || ref.getObjectId() == null
        ? Optional.empty()
        : Optional.of(ref.getObjectId().name());
  }

  /**
   * Updates the mirror's branches and tags from the remote (force-updating rewritten ones and
   * removing deleted ones) and reports what arrived on the watched branch.
   *
   * @return the new commits of the watched branch since the mirror's previous head, oldest first;
   *     only the new head if the mirror had no head yet or the branch was rewritten; empty if
   *     nothing changed or the branch does not exist
   * @throws GitRemoteException if the remote cannot be fetched; the subclass says whether to retry
   * @throws IOException if the mirror cannot be read or written
   */
  public synchronized List<CommitInfo> fetch() throws GitRemoteException, IOException {
    try {
      return fetchOnce();
    } catch (LockFailure e) {
      // A process killed while it updated the mirror's refs (a SIGKILLed serve) leaves their
      // lock files behind, and every later fetch would fail on them for good.
      if (removeStaleLocks() == 0) {
        throw e;
      }
      return fetchOnce();
    }
  }

  /** A ref update of the mirror found the ref locked. */
  private static final class LockFailure extends IOException {
    LockFailure(String message) {
      super(message);
    }
  }

  /**
   * How old a lock file of the mirror's refs must be to count as left behind: JGit holds one for
   * the moment of an update, never for this long.
   */
  static final Duration STALE_LOCK = Duration.ofSeconds(10);

  /** Removes the lock files of refs older than {@link #STALE_LOCK}; returns how many. */
  private int removeStaleLocks() throws IOException {
    java.time.Instant staleBefore = java.time.Instant.now().minus(STALE_LOCK);
    List<Path> locks = new ArrayList<>();
    locks.add(directory.resolve("packed-refs.lock"));
    Path refs = directory.resolve("refs");
    if (Files.isDirectory(refs)) {
      try (java.util.stream.Stream<Path> walk = Files.walk(refs)) {
        walk.filter(f -> f.getFileName().toString().endsWith(".lock")).forEach(locks::add);
      }
    }
    int removed = 0;
    for (Path lock : locks) {
      try {
        if (Files.isRegularFile(lock)
            && Files.getLastModifiedTime(lock).toInstant().isBefore(staleBefore)
            && Files.deleteIfExists(lock)) {
          removed++;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // Released meanwhile.
      }
    }
    return removed;
  }

  private List<CommitInfo> fetchOnce() throws GitRemoteException, IOException {
    Optional<String> before = head();
    FetchResult result;
    try (Git git = Git.wrap(repository)) {
      result =
          git.fetch()
              .setRemote(remote)
              .setRefSpecs(MIRROR_SPECS)
              .setTagOpt(TagOpt.NO_TAGS)
              .setRemoveDeletedRefs(true)
              .setTimeout(timeoutSeconds)
              .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
              .call();
    } catch (GitAPIException | RuntimeException e) {
      throw classify("fetch from", e);
    }
    for (TrackingRefUpdate update : result.getTrackingRefUpdates()) {
      switch (update.getResult()) {
        case LOCK_FAILURE -> throw new LockFailure(refNotUpdated(update));
        case IO_FAILURE,
            REJECTED,
            REJECTED_CURRENT_BRANCH,
            REJECTED_MISSING_OBJECT,
            REJECTED_OTHER_REASON ->
            throw new IOException(refNotUpdated(update));
        default -> {}
      }
    }
    Optional<String> after = head();
    if (after.isEmpty() || after.equals(before)) {
      return List.of();
    }
    if (before.isEmpty()) {
      return List.of(commit(after.get()).orElseThrow());
    }
    return newCommitsSince(before.get()).commits();
  }

  private String refNotUpdated(TrackingRefUpdate update) {
    return "Could not update "
        + update.getLocalName()
        + " in the mirror at "
        + directory
        + ": "
        + update.getResult();
  }

  /**
   * The commits of the watched branch after a known commit, read from the mirror (no network).
   *
   * <p>Only the first-parent line counts: commits that arrived through a merge are part of the
   * merge commit's run, not runs of their own.
   *
   * @param sinceId a commit id previously seen on the branch
   * @return the commits after it, oldest first; or, if it is no longer an ancestor of the head (or
   *     is unknown to the mirror), the head alone marked {@code rewritten}
   * @throws IOException if the mirror cannot be read
   */
  public NewCommits newCommitsSince(String sinceId) throws IOException {
    Optional<String> headId = head();
    if (headId.isEmpty()) {
      return new NewCommits(List.of(), false);
    }
    ObjectId head = ObjectId.fromString(headId.get());
    ObjectId since = ObjectId.fromString(sinceId);
    if (head.equals(since)) {
      return new NewCommits(List.of(), false);
    }
    try (RevWalk walk = new RevWalk(repository)) {
      RevCommit headCommit = walk.parseCommit(head);
      RevCommit sinceCommit;
      try {
        sinceCommit = walk.parseCommit(since);
      } catch (MissingObjectException e) {
        return new NewCommits(List.of(toInfo(headCommit)), true);
      }
      if (!walk.isMergedInto(sinceCommit, headCommit)) {
        return new NewCommits(List.of(toInfo(headCommit)), true);
      }
      walk.reset();
      // First the set of commits not reachable from `since`, then keep those on the first-parent
      // line: this is right even when `since` is reachable only through a second parent.
      walk.markStart(walk.parseCommit(head));
      walk.markUninteresting(walk.parseCommit(since));
      Set<ObjectId> fresh = new HashSet<>();
      for (RevCommit c : walk) {
        fresh.add(c.copy());
      }
      List<CommitInfo> line = new ArrayList<>();
      RevCommit current = headCommit;
      while (current != null && fresh.contains(current)) {
        line.add(toInfo(current));
        current = current.getParentCount() == 0 ? null : walk.parseCommit(current.getParent(0));
      }
      Collections.reverse(line);
      return new NewCommits(line, false);
    }
  }

  /**
   * Reads one commit from the mirror.
   *
   * @param id the commit id
   * @return the commit, or empty if the mirror does not have it
   * @throws IOException if the mirror cannot be read
   */
  public Optional<CommitInfo> commit(String id) throws IOException {
    try (RevWalk walk = new RevWalk(repository)) {
      return Optional.of(toInfo(walk.parseCommit(ObjectId.fromString(id))));
    } catch (MissingObjectException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Closes the mirror's repository. */
  @Override
  public void close() {
    repository.close();
  }

  @Override
  public String toString() {
    return "RepositoryMirror[" + remoteForDisplay + " " + branch + " -> " + directory + "]";
  }

  static CommitInfo toInfo(RevCommit c) {
    List<String> parents = new ArrayList<>(c.getParentCount());
    for (RevCommit p : c.getParents()) {
      parents.add(p.name());
    }
    return new CommitInfo(
        c.name(),
        c.getTree().name(),
        parents,
        c.getAuthorIdent().getName(),
        c.getAuthorIdent().getEmailAddress(),
        c.getCommitterIdent().getWhenAsInstant(),
        c.getShortMessage());
  }

  /**
   * Rejects names git would reject, before they reach any ref lookup.
   *
   * @param branchName a short branch name
   * @throws IllegalArgumentException if it is not a valid branch name
   */
  public static void requireValidBranch(String branchName) {
    Objects.requireNonNull(branchName, "branch");
    if (!Repository.isValidRefName(HEADS + branchName)) {
      throw new IllegalArgumentException("Not a valid git branch name: " + quoted(branchName));
    }
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch < 0x20 || ch == 0x7f) {
        out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
      } else {
        out.append(ch);
      }
    }
    return out.append('"').toString();
  }

  private GitRemoteException classify(String action, Exception e) {
    String reason = redact(rootMessage(e));
    String message = "Cannot " + action + " " + remoteForDisplay + ": " + reason;
    Throwable cause = RedactedCause.of(e, this::redact);
    boolean notFound = false;
    boolean network = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NoRemoteRepositoryException || t instanceof InvalidRemoteException) {
        notFound = true;
      }
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException) {
        network = true;
      }
    }
    String all = allMessages(e).toLowerCase(Locale.ROOT);
    if (!network
        && (all.contains("not authorized")
            || all.contains("authentication is required")
            || all.contains("authentication not supported")
            || all.contains("not permitted"))) {
      return new RemoteAuthenticationException(
          message + " (check the user name and token Cairn uses for this repository)", cause);
    }
    if (!network && notFound) {
      return new RepositoryNotFoundException(
          "Cannot " + action + " " + remoteForDisplay + ": no repository there", cause);
    }
    return new RemoteUnreachableException(message, cause);
  }

  private String redact(String text) {
    return RemoteText.redact(remote, text, credentials);
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    String message = e.getMessage();
    while (root.getCause() != null) {
      root = root.getCause();
      if (root.getMessage() != null) {
        message = root.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static String allMessages(Throwable e) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      out.append(t.getMessage()).append('\n');
    }
    return out.toString();
  }

  /** Describes a {@link RepositoryMirror}. */
  public static final class Builder {
    private String remote;
    private Path directory;
    private String branch = "main";
    private Supplier<RemoteCredentials> credentials;
    private Duration timeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * The application repository: a local path (absolute or relative) or a URL.
     *
     * @param remote the path or URL
     * @return this builder
     */
    public Builder remote(String remote) {
      this.remote = Objects.requireNonNull(remote, "remote");
      return this;
    }

    /**
     * The application repository as a local path.
     *
     * @param path the repository's directory
     * @return this builder
     */
    public Builder remote(Path path) {
      return remote(path.toAbsolutePath().toString());
    }

    /**
     * Where the bare mirror lives; created if missing.
     *
     * @param directory the mirror's directory
     * @return this builder
     */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * The branch whose commits Cairn runs; default {@code main}.
     *
     * @param branch the short branch name
     * @return this builder
     */
    public Builder branch(String branch) {
      requireValidBranch(branch);
      this.branch = branch;
      return this;
    }

    /**
     * Where to get credentials for the remote, asked at every remote operation; may return null for
     * none. Default: none (a URL's own user information, if any, still applies).
     *
     * @param credentials the supplier
     * @return this builder
     */
    public Builder credentials(Supplier<RemoteCredentials> credentials) {
      this.credentials = credentials;
      return this;
    }

    /**
     * How long one remote operation may be silent before it fails; default 30 seconds.
     *
     * @param timeout the timeout, at least one second
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Opens the mirror, creating an empty bare repository if the directory has none yet. Does not
     * contact the remote.
     *
     * @return the mirror
     * @throws IOException if the directory cannot be created or is not a bare repository
     */
    public RepositoryMirror build() throws IOException {
      Objects.requireNonNull(remote, "remote");
      Objects.requireNonNull(directory, "directory");
      Path dir = directory.toAbsolutePath();
      directory = dir;
      Repository repository;
      if (Files.isRegularFile(dir.resolve("HEAD")) && Files.isDirectory(dir.resolve("objects"))) {
        repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
        if (!repository.isBare()) {
          repository.close();
          throw new IOException("Not a bare repository, so not a Cairn mirror: " + dir);
        }
      } else {
        if (Files.isDirectory(dir)) {
          try (var entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
              throw new IOException(
                  "Not a bare repository, so not a Cairn mirror, and not empty: " + dir);
            }
          }
        }
        Files.createDirectories(dir);
        try {
          repository = Git.init().setBare(true).setDirectory(dir.toFile()).call().getRepository();
        } catch (GitAPIException e) {
          throw new IOException("Cannot create a mirror at " + dir + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
          throw e.getCause();
        }
      }
      return new RepositoryMirror(this, repository);
    }
  }
}
