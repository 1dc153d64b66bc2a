package dev.cairn.git.revert;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.internal.RedactedCause;
import dev.cairn.git.internal.RemoteText;
import dev.cairn.pipeline.port.SourceReverter;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.merge.MergeStrategy;
import org.eclipse.jgit.merge.ResolveMerger;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefLeaseSpec;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TagOpt;

/**
 * Reverts a commit in the application repository the way {@code git revert} does, without a working
 * tree: a three-way merge in memory of the deployed branch's tip with the bad commit's parent,
 * based on the bad commit. The result is committed as {@code Revert "<subject>"} on the tip just
 * fetched and pushed without force, with the fetched tip as the expected old value; when the branch
 * moved in between, the same commit goes to the review branch {@code cairn/revert/<short id>}
 * instead. A revert that conflicts with later commits is not pushed at all.
 *
 * <p>The local bare repository only caches objects and keeps its refs under {@code
 * refs/cairn/revert/}.
 */
public final class GitReverter implements SourceReverter, AutoCloseable {
  /** The prefix of review branches. */
  public static final String REVIEW_PREFIX = "cairn/revert/";

  private static final String FETCHED = "refs/cairn/revert/fetched";
  private static final String OUTGOING = "refs/cairn/revert/outgoing";

  private final Repository repository;
  private final String remote;
  private final String remoteForDisplay;
  private final String branch;
  private final Supplier<RemoteCredentials> credentials;
  private final int timeoutSeconds;
  private final Clock clock;
  private final String committerName;
  private final String committerEmail;
  private volatile Runnable beforePush = () -> {};

  private GitReverter(Builder b, Repository repository) {
    this.repository = repository;
    this.remote = b.remote;
    this.remoteForDisplay = RemoteText.displayForm(b.remote);
    this.branch = b.branch;
    this.credentials = b.credentials;
    this.timeoutSeconds = (int) Math.max(1, b.timeout.toSeconds());
    this.clock = b.clock;
    this.committerName = b.committerName;
    this.committerEmail = b.committerEmail;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Lets a test act between building the revert and pushing it, to stage a moved branch. */
  void beforePush(Runnable action) {
    this.beforePush = Objects.requireNonNull(action, "action");
  }

  @Override
  public synchronized Reverted revert(String commit, boolean ontoDeployedBranch)
      throws IOException {
    ObjectId bad = ObjectId.fromString(commit);
    String shortId = commit.substring(0, 7);
    String review = REVIEW_PREFIX + shortId;
    try {
      fetch();
      ObjectId tip = resolve(FETCHED);
      if (tip == null) {
        throw new IOException("the branch " + branch + " does not exist on " + remoteForDisplay);
      }
      ObjectId revert = buildRevert(bad, tip);
      setLocalRef(OUTGOING, revert);
      beforePush.run();
      if (ontoDeployedBranch) {
        String refused = push(branch, tip);
        if (refused == null) {
          return new Reverted(
              revert.name(),
              branch,
              "pushed "
                  + revert.name().substring(0, 7)
                  + " reverting "
                  + shortId
                  + " to "
                  + branch);
        }
        String again = push(review, null);
        if (again != null) {
          throw new IOException(
              "neither "
                  + branch
                  + " ("
                  + refused
                  + ") nor "
                  + review
                  + " ("
                  + again
                  + ") accepted the revert of "
                  + shortId);
        }
        return new Reverted(
            revert.name(),
            review,
            branch
                + " moved while Cairn pushed the revert of "
                + shortId
                + " ("
                + refused
                + "); it was not forced: the revert "
                + revert.name().substring(0, 7)
                + " is on "
                + review
                + " for review instead");
      }
      String refused = push(review, null);
      if (refused != null) {
        throw new IOException(review + " did not accept the revert of " + shortId + ": " + refused);
      }
      return new Reverted(
          revert.name(),
          review,
          "pushed "
              + revert.name().substring(0, 7)
              + " reverting "
              + shortId
              + " to "
              + review
              + " for review");
    } catch (GitAPIException | URISyntaxException e) {
      throw new IOException(
          "cannot revert "
              + shortId
              + " on "
              + remoteForDisplay
              + ": "
              + redact(RemoteText.rootMessage(e)),
          RedactedCause.of(e, this::redact));
    } catch (IOException e) {
      throw new IOException(redact(e.getMessage()), RedactedCause.of(e, this::redact));
    }
  }

  /** The revert commit of {@code bad} on {@code tip}. */
  private ObjectId buildRevert(ObjectId badId, ObjectId tip) throws IOException {
    try (RevWalk walk = new RevWalk(repository);
        ObjectInserter inserter = repository.newObjectInserter()) {
      RevCommit bad;
      try {
        bad = walk.parseCommit(badId);
      } catch (org.eclipse.jgit.errors.MissingObjectException e) {
        throw new IOException(badId.name().substring(0, 7) + " is not on " + branch);
      }
      RevCommit head = walk.parseCommit(tip);
      if (!walk.isMergedInto(bad, head)) {
        throw new IOException(bad.name().substring(0, 7) + " is not on " + branch);
      }
      if (bad.getParentCount() != 1) {
        throw new IOException(
            bad.name().substring(0, 7)
                + (bad.getParentCount() == 0 ? " is a root commit" : " is a merge commit")
                + "; Cairn reverts only commits with one parent");
      }
      RevCommit parent = walk.parseCommit(bad.getParent(0));
      ResolveMerger merger = (ResolveMerger) MergeStrategy.RECURSIVE.newMerger(repository, true);
      merger.setBase(bad.getTree());
      if (!merger.merge(head.getTree(), parent.getTree())) {
        throw new IOException(
            "reverting "
                + bad.name().substring(0, 7)
                + " conflicts with later commits on "
                + branch
                + " ("
                + String.join(", ", conflicts(merger))
                + "); a person must revert it");
      }
      ObjectId tree = merger.getResultTreeId();
      if (tree.equals(head.getTree())) {
        throw new IOException(
            "the changes of " + bad.name().substring(0, 7) + " are already undone on " + branch);
      }
      PersonIdent ident =
          new PersonIdent(committerName, committerEmail, clock.instant(), ZoneOffset.UTC);
      CommitBuilder revert = new CommitBuilder();
      revert.setTreeId(tree);
      revert.setParentId(head);
      revert.setAuthor(ident);
      revert.setCommitter(ident);
      revert.setMessage(
          "Revert \""
              + bad.getShortMessage()
              + "\"\n\nThis reverts commit "
              + bad.name()
              + ".\n\n"
              + "Cairn rolled it back automatically after a failed deployment and marked it bad;\n"
              + "this commit makes "
              + branch
              + " describe what runs again.\n\n"
              + "Cairn-Reverts: "
              + bad.name()
              + "\n");
      ObjectId id = inserter.insert(revert);
      inserter.flush();
      return id;
    }
  }

  private static List<String> conflicts(ResolveMerger merger) {
    List<String> paths = new ArrayList<>();
    if (merger.getMergeResults() != null) {
      paths.addAll(merger.getMergeResults().keySet());
    }
    if (merger.getFailingPaths() != null) {
      paths.addAll(merger.getFailingPaths().keySet());
    }
    return paths.isEmpty() ? List.of("unknown paths") : paths.stream().limit(5).toList();
  }

  private void fetch() throws GitAPIException {
    try (Git git = Git.wrap(repository)) {
      git.fetch()
          .setRemote(remote)
          .setRefSpecs(new RefSpec("+refs/heads/" + branch + ":" + FETCHED))
          .setTagOpt(TagOpt.NO_TAGS)
          .setTimeout(timeoutSeconds)
          .setCredentialsProvider(RemoteText.credentialsProvider(credentials))
          .call();
    }
  }

  /**
   * Pushes the outgoing revert to {@code target} without force.
   *
   * @param expectedOld the value the branch must still have, or null for a new branch
   * @return null when accepted, else why not
   */
  private String push(String target, ObjectId expectedOld)
      throws GitAPIException, URISyntaxException {
    String ref = "refs/heads/" + target;
    Iterable<PushResult> results;
    try (Git git = Git.wrap(repository)) {
      var push =
          git.push()
              .setRemote(remote)
              .setRefSpecs(new RefSpec(OUTGOING + ":" + ref))
              .setForce(false)
              .setTimeout(timeoutSeconds)
              .setCredentialsProvider(RemoteText.credentialsProvider(credentials));
      push.setRefLeaseSpecs(
          new RefLeaseSpec(
              ref, expectedOld == null ? ObjectId.zeroId().name() : expectedOld.name()));
      results = push.call();
    }
    for (PushResult result : results) {
      for (RemoteRefUpdate u : result.getRemoteUpdates()) {
        switch (u.getStatus()) {
          case OK -> {}
          case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
            return target + " moved on";
          }
          default -> {
            return u.getStatus() + (u.getMessage() == null ? "" : " (" + u.getMessage() + ")");
          }
        }
      }
    }
    return null;
  }

  private ObjectId resolve(String ref) throws IOException {
    Ref r = repository.exactRef(ref);
    return r == null ? null : r.getObjectId();
  }

  private void setLocalRef(String name, ObjectId id) throws IOException {
    RefUpdate u = repository.updateRef(name);
    u.setNewObjectId(id);
    u.setForceUpdate(true);
    switch (u.update()) {
      case NEW, FORCED, FAST_FORWARD, NO_CHANGE -> {}
      default -> throw new IOException("could not update " + name + " in " + repository);
    }
  }

  private String redact(String text) {
    return RemoteText.redact(remote, text, credentials);
  }

  /** Describes a {@link GitReverter}. */
  public static final class Builder {
    private String remote;
    private Path repository;
    private String branch = "main";
    private Supplier<RemoteCredentials> credentials;
    private Duration timeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private String committerName = "Cairn";
    private String committerEmail = "cairn@localhost";

    private Builder() {}

    /** The application repository: a URL or a local path. */
    public Builder remote(String remote) {
      this.remote = Objects.requireNonNull(remote, "remote");
      return this;
    }

    /** The application repository as a local path. */
    public Builder remote(Path remote) {
      return remote(remote.toAbsolutePath().toString());
    }

    /** The deployed branch (default {@code main}). */
    public Builder branch(String branch) {
      this.branch = Objects.requireNonNull(branch, "branch");
      return this;
    }

    /** Where the local bare repository lives (created if missing). */
    public Builder repository(Path directory) {
      this.repository = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Credentials for the remote, asked for at every operation; may supply null. */
    public Builder credentials(Supplier<RemoteCredentials> credentials) {
      this.credentials = credentials;
      return this;
    }

    /** How long one remote operation may be silent (default 30 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The clock of the revert commits' dates. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The author and committer of revert commits (default {@code Cairn <cairn@localhost>}). */
    public Builder committer(String name, String email) {
      this.committerName = Objects.requireNonNull(name, "name");
      this.committerEmail = Objects.requireNonNull(email, "email");
      return this;
    }

    /**
     * The reverter; opens or creates its local repository, does not contact the remote.
     *
     * @throws IOException if the repository cannot be opened or created
     */
    public GitReverter build() throws IOException {
      Objects.requireNonNull(remote, "remote");
      Objects.requireNonNull(repository, "repository");
      Path dir = repository.toAbsolutePath();
      Repository repo;
      if (Files.isRegularFile(dir.resolve("HEAD"))) {
        repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setMustExist(true).build();
      } else {
        Files.createDirectories(dir);
        repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
        repo.create(true);
      }
      return new GitReverter(this, repo);
    }
  }

  /** Closes the local repository. */
  @Override
  public void close() {
    repository.close();
  }
}
