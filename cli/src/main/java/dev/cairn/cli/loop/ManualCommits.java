package dev.cairn.cli.loop;

import dev.cairn.git.CommitInfo;
import dev.cairn.git.RepositoryMirror;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The commits a manual deploy or rollback may name: commits of the mirror, by full or abbreviated
 * id, and reachable from the watched branch unless the caller explicitly allows an unmerged one.
 */
final class ManualCommits {
  private final RepositoryMirror mirror;
  private final String branch;

  ManualCommits(RepositoryMirror mirror, String branch) {
    this.mirror = mirror;
    this.branch = branch;
  }

  /**
   * The commit, when it is reachable from the watched branch or {@code allowUnmerged}: a manual
   * deploy must not put an unreviewed branch into production by mistake or by a stolen token alone.
   */
  CommitInfo onBranch(CommitInfo commit, boolean allowUnmerged) {
    if (allowUnmerged) {
      return commit;
    }
    var repository = mirror.repository();
    try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(repository)) {
      org.eclipse.jgit.lib.Ref head = repository.exactRef("refs/heads/" + branch);
      if (head != null
          && walk.isMergedInto(
              walk.parseCommit(org.eclipse.jgit.lib.ObjectId.fromString(commit.id())),
              walk.parseCommit(head.getObjectId()))) {
        return commit;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException(
        "commit "
            + commit.id()
            + " is not on branch "
            + branch
            + "; to deploy it anyway use --allow-unmerged (the audit trail records it)");
  }

  /** A commit of the mirror by full or abbreviated id. */
  CommitInfo resolve(String commitish) {
    if (commitish == null || commitish.isBlank()) {
      throw new IllegalArgumentException("\"commit\" is required");
    }
    try {
      org.eclipse.jgit.lib.ObjectId id = mirror.repository().resolve(commitish + "^{commit}");
      if (id == null) {
        throw new IllegalArgumentException(
            "no commit " + commitish + " in " + mirror.remoteForDisplay());
      }
      return mirror
          .commit(id.getName())
          .orElseThrow(() -> new IllegalArgumentException("no commit " + commitish));
    } catch (org.eclipse.jgit.errors.RevisionSyntaxException | IOException e) {
      throw new IllegalArgumentException("'" + commitish + "' is not a commit id");
    }
  }
}
