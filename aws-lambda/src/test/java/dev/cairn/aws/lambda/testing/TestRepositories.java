package dev.cairn.aws.lambda.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.URIish;

/** Real git repositories for tests, made with JGit. */
public final class TestRepositories {
  private TestRepositories() {}

  /**
   * A bare repository at {@code bare} whose {@code main} has one commit per message, each writing
   * {@code files}; returns the commits, oldest first.
   */
  public static List<String> bareWithCommits(
      Path bare, Path scratch, java.util.Map<String, String> files, String... messages)
      throws IOException, GitAPIException {
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    List<String> commits = new ArrayList<>();
    try (Git work = Git.init().setInitialBranch("main").setDirectory(scratch.toFile()).call()) {
      int i = 0;
      for (String message : messages) {
        for (var file : files.entrySet()) {
          java.nio.file.Files.createDirectories(
              scratch.resolve(file.getKey()).toAbsolutePath().getParent());
          java.nio.file.Files.writeString(
              scratch.resolve(file.getKey()), file.getValue().replace("{n}", String.valueOf(i)));
        }
        work.add().addFilepattern(".").call();
        RevCommit commit =
            work.commit()
                .setMessage(message)
                .setAuthor("Dev", "dev@example.com")
                .setCommitter("Dev", "dev@example.com")
                .setSign(false)
                .call();
        commits.add(commit.name());
        i++;
      }
      work.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();
      work.push().setRemote("origin").add("main").call();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return commits;
  }

  /** The commits of {@code ref} in the bare repository, newest first; empty when absent. */
  public static List<RevCommit> log(Path bare, String ref) throws IOException {
    try (Repository repository =
            new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
        RevWalk walk = new RevWalk(repository)) {
      ObjectId tip = repository.resolve(ref);
      List<RevCommit> commits = new ArrayList<>();
      if (tip == null) {
        return commits;
      }
      walk.markStart(walk.parseCommit(tip));
      walk.forEach(commits::add);
      return commits;
    }
  }

  /** The tree id of a commit in the bare repository. */
  public static String treeOf(Path bare, String commit) throws IOException {
    try (Repository repository =
            new FileRepositoryBuilder().setGitDir(bare.toFile()).setMustExist(true).build();
        RevWalk walk = new RevWalk(repository)) {
      return walk.parseCommit(ObjectId.fromString(commit)).getTree().name();
    }
  }
}
