package dev.cairn.aws.lambda.lastgood;

import dev.cairn.git.RemoteCredentials;
import dev.cairn.pipeline.audit.AuditRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.PathSuffixFilter;

/**
 * Reads every record on a remote's {@code cairn/audit} branch: fetches the branch into a local bare
 * cache (kept between warm invocations, so later fetches are small) and parses the {@code
 * records/**.json} files of its tip.
 */
public final class AuditTrailReader {
  private static final String LOCAL_REF = "refs/cairn/read/audit";

  private final Path cache;
  private final Supplier<RemoteCredentials> credentials;
  private final Duration timeout;

  /** A reader caching objects in {@code cache} (a bare repository, created if absent). */
  public AuditTrailReader(Path cache, Supplier<RemoteCredentials> credentials, Duration timeout) {
    this.cache = cache;
    this.credentials = credentials;
    this.timeout = timeout;
  }

  /**
   * The records on the remote's audit branch; empty when the branch does not exist yet.
   *
   * @throws IOException when the remote cannot be read (the message names it without credentials)
   */
  public List<AuditRecord> read(String remote) throws IOException {
    try (Repository repository = open();
        Git git = new Git(repository)) {
      boolean branchExists =
          git
              .lsRemote()
              .setRemote(remote)
              .setCredentialsProvider(provider())
              .setHeads(true)
              .setTimeout((int) timeout.toSeconds())
              .call()
              .stream()
              .anyMatch(r -> r.getName().equals("refs/heads/cairn/audit"));
      if (!branchExists) {
        return List.of();
      }
      git.fetch()
          .setRemote(remote)
          .setCredentialsProvider(provider())
          .setTimeout((int) timeout.toSeconds())
          .setRefSpecs(new RefSpec("+refs/heads/cairn/audit:" + LOCAL_REF))
          .call();
      ObjectId tip = repository.resolve(LOCAL_REF);
      List<AuditRecord> records = new ArrayList<>();
      try (RevWalk walk = new RevWalk(repository);
          TreeWalk tree = new TreeWalk(repository)) {
        tree.addTree(walk.parseCommit(tip).getTree());
        tree.setRecursive(true);
        tree.setFilter(PathSuffixFilter.create(".json"));
        while (tree.next()) {
          if (!tree.getPathString().startsWith("records/")) {
            continue;
          }
          byte[] bytes = repository.open(tree.getObjectId(0)).getBytes();
          records.add(AuditRecord.fromJson(new String(bytes, StandardCharsets.UTF_8)));
        }
      }
      return records;
    } catch (GitAPIException e) {
      throw new IOException("cannot read the audit trail: " + e.getMessage(), e);
    }
  }

  private UsernamePasswordCredentialsProvider provider() {
    if (credentials == null) {
      return null;
    }
    RemoteCredentials c = credentials.get();
    return new UsernamePasswordCredentialsProvider(c.username(), c.secret());
  }

  private Repository open() throws IOException {
    if (Files.isRegularFile(cache.resolve("HEAD"))) {
      return new FileRepositoryBuilder().setGitDir(cache.toFile()).setMustExist(true).build();
    }
    Files.createDirectories(cache);
    Repository repository = new FileRepositoryBuilder().setGitDir(cache.toFile()).setBare().build();
    repository.create(true);
    return repository;
  }
}
