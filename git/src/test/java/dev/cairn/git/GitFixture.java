package dev.cairn.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * A bare "origin" repository and a working clone that commits and pushes to it, all made with JGit
 * in a test's temporary directory and isolated from the developer's git configuration.
 */
public final class GitFixture implements AutoCloseable {

  private static volatile boolean isolated;

  private final Path origin;
  private final Git work;
  private final AtomicInteger counter = new AtomicInteger();
  private String branch = "main";

  private GitFixture(Path origin, Git work) {
    this.origin = origin;
    this.work = work;
  }

  /**
   * Makes JGit read no user, system or JGit configuration file, so that nothing on the developer's
   * machine (signing, hooks paths, default branch) changes what the tests see.
   */
  public static synchronized void isolateFromUserConfig() {
    if (isolated) {
      return;
    }
    SystemReader.setInstance(
        new SystemReader.Delegate(SystemReader.getInstance()) {
          @Override
          public FileBasedConfig openUserConfig(Config parent, FS fs) {
            return new EmptyConfig(parent, fs);
          }

          @Override
          public FileBasedConfig openSystemConfig(Config parent, FS fs) {
            return new EmptyConfig(parent, fs);
          }

          @Override
          public FileBasedConfig openJGitConfig(Config parent, FS fs) {
            return new EmptyConfig(parent, fs);
          }
        });
    isolated = true;
  }

  /**
   * Creates {@code dir/origin.git} (bare, branch main) and a working clone in {@code dir/work}.
   *
   * @param dir a temporary directory
   * @return the fixture
   */
  public static GitFixture create(Path dir) throws GitAPIException, IOException {
    isolateFromUserConfig();
    Path origin = dir.resolve("origin.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call().close();
    Git work =
        Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
    return new GitFixture(origin, work);
  }

  /** The bare origin's directory. */
  public Path origin() {
    return origin;
  }

  /** Opens the bare origin (the caller closes it). */
  public Repository openOrigin() throws IOException {
    return new FileRepositoryBuilder().setGitDir(origin.toFile()).setMustExist(true).build();
  }

  /** Where {@code name} points in the origin, or null if the origin has no such ref. */
  public ObjectId originRef(String name) throws IOException {
    try (Repository repository = openOrigin()) {
      Ref ref = repository.exactRef(name);
      return ref == null ? null : ref.getObjectId();
    }
  }

  /** The working clone. */
  public Git work() {
    return work;
  }

  /** The working clone's directory. */
  public Path workDir() {
    return work.getRepository().getWorkTree().toPath();
  }

  /** Switches the working clone to a new branch starting at the current commit. */
  public void newBranch(String name) throws GitAPIException {
    work.checkout().setCreateBranch(true).setName(name).call();
    branch = name;
  }

  /** Switches the working clone to an existing branch. */
  public void checkout(String name) throws GitAPIException {
    work.checkout().setName(name).call();
    branch = name;
  }

  /** Commits a file with the given content. */
  public RevCommit commit(String file, String content, String message)
      throws IOException, GitAPIException {
    Path path = workDir().resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content, StandardCharsets.UTF_8);
    work.add().addFilepattern(".").call();
    return commitStaged(message);
  }

  /** Commits whatever is staged, with a fixed identity and increasing times. */
  public RevCommit commitStaged(String message) throws GitAPIException {
    PersonIdent ident =
        new PersonIdent(
            "Ada Tester",
            "ada@example.org",
            Instant.parse("2025-01-01T00:00:00Z").plusSeconds(counter.incrementAndGet()),
            ZoneOffset.UTC);
    return work.commit()
        .setMessage(message)
        .setAuthor(ident)
        .setCommitter(ident)
        .setSign(false)
        .setAllowEmpty(true)
        .call();
  }

  /** Commits a change with a generated file and message. */
  public RevCommit commit(String message) throws IOException, GitAPIException {
    return commit("file-" + counter.get() + ".txt", message + "\n", message);
  }

  /** Pushes the current branch to origin. */
  public void push() throws GitAPIException {
    push(origin, false);
  }

  /** Pushes the current branch, rewriting the remote branch. */
  public void forcePush() throws GitAPIException {
    push(origin, true);
  }

  /** Pushes the current branch to a given bare repository. */
  public void push(Path target, boolean force) throws GitAPIException {
    Iterable<PushResult> results =
        work.push()
            .setRemote(target.toAbsolutePath().toString())
            .setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/" + branch))
            .setForce(force)
            .call();
    for (PushResult r : results) {
      for (RemoteRefUpdate u : r.getRemoteUpdates()) {
        assertThat(u.getStatus())
            .as("push of %s", u.getRemoteName())
            .isIn(RemoteRefUpdate.Status.OK, RemoteRefUpdate.Status.UP_TO_DATE);
      }
    }
  }

  /** Commits and pushes. */
  public RevCommit commitAndPush(String message) throws IOException, GitAPIException {
    RevCommit c = commit(message);
    push();
    return c;
  }

  @Override
  public void close() {
    work.close();
  }

  private static final class EmptyConfig extends FileBasedConfig {
    EmptyConfig(Config parent, FS fs) {
      super(parent, null, fs);
    }

    @Override
    public void load() {
      // nothing to read: that is the point
    }

    @Override
    public void save() {
      // JGit caches file-system facts here; keeping them in memory is enough for tests
    }

    @Override
    public boolean isOutdated() {
      return false;
    }
  }
}
