package dev.cairn.git;

import java.util.List;

/**
 * The commits on a branch that follow a known commit.
 *
 * @param commits the new commits along the branch's first-parent line, oldest first; when {@code
 *     rewritten} is true only the branch's new head
 * @param rewritten true when the known commit is no longer an ancestor of the branch head (the
 *     branch was force-pushed or reset), so the commits between cannot be determined
 */
public record NewCommits(List<CommitInfo> commits, boolean rewritten) {

  /** Freezes the list. */
  public NewCommits {
    commits = List.copyOf(commits);
  }
}
