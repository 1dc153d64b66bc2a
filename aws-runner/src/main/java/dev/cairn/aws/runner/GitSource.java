package dev.cairn.aws.runner;

import dev.cairn.git.CommitInfo;
import dev.cairn.git.GitRemoteException;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.RepositoryMirror;
import dev.cairn.git.workspace.Workspaces;
import dev.cairn.pipeline.port.SourceCheckout;
import dev.cairn.pipeline.runtime.CairnError;
import dev.cairn.pipeline.runtime.StepFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Fetches the application's branch over HTTPS (JGit, token from Secrets Manager) into a mirror in
 * the job's scratch space and checks a commit out: the same {@link RepositoryMirror} and {@link
 * Workspaces} as the local runtime.
 */
public final class GitSource implements SourceCheckout, AutoCloseable {
  private final RepositoryMirror mirror;
  private boolean fetched;

  /**
   * A source.
   *
   * @param remote the application's remote
   * @param branch its main branch
   * @param credentials the token (asked for at the fetch), or null for a public or local remote
   * @param scratch a directory for the mirror and the workspaces
   */
  public GitSource(
      String remote, String branch, Supplier<RemoteCredentials> credentials, Path scratch)
      throws IOException {
    this.mirror =
        RepositoryMirror.builder()
            .remote(remote)
            .branch(branch)
            .credentials(credentials)
            .directory(scratch.resolve("mirror.git"))
            .build();
  }

  /**
   * Checks the commit out into {@code target} (the runtime's workspace): a remote that cannot be
   * reached is an {@link IOException}, which the runtime retries.
   */
  @Override
  public void checkout(String commitId, Path target) throws IOException {
    try {
      fetchFor(commitId);
    } catch (GitRemoteException e) {
      if (!e.retryable()) {
        // A refused token or a missing repository does not get better by retrying.
        throw new StepFailure(CairnError.SOURCE_UNAVAILABLE, e.getMessage());
      }
      throw new IOException(e.getMessage(), e);
    }
    new Workspaces(target.getParent())
        .create(mirror.repository(), commitId, target.getFileName().toString());
  }

  /**
   * The commit's git tree: an unreachable remote is an {@link IOException} (retried), a refused one
   * a {@link StepFailure} that is not.
   */
  public String treeOf(String commit) throws IOException {
    try {
      return describe(commit).treeId();
    } catch (GitRemoteException e) {
      if (!e.retryable()) {
        throw new StepFailure(CairnError.SOURCE_UNAVAILABLE, e.getMessage());
      }
      throw new IOException(e.getMessage(), e);
    }
  }

  /** The commit's facts (tree, message). */
  public CommitInfo describe(String commit) throws GitRemoteException, IOException {
    fetchFor(commit);
    return mirror
        .commit(commit)
        .orElseThrow(() -> new IOException("commit " + commit + " is not in the repository"));
  }

  /** Fetches unless the commit is here already (a runner that lives on sees later pushes). */
  private void fetchFor(String commit) throws GitRemoteException, IOException {
    if (!fetched || mirror.commit(commit).isEmpty()) {
      mirror.fetch();
      fetched = true;
    }
  }

  @Override
  public void close() {
    mirror.close();
  }
}
