package dev.cairn.git;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One commit of the application repository, as Cairn needs it to start a run.
 *
 * <p>All strings are data from the repository and may contain anything a commit can hold (quotes,
 * newlines, shell metacharacters, any Unicode); callers must never interpret them as commands.
 *
 * @param id the commit id (40 lowercase hex digits)
 * @param treeId the id of the commit's root tree; equal trees build equal artifacts
 * @param parents the parent commit ids, first parent first
 * @param authorName the author's name
 * @param authorEmail the author's e-mail address
 * @param commitTime when the commit was made (committer time)
 * @param shortMessage the first paragraph of the message, joined into one line as git does
 */
public record CommitInfo(
    String id,
    String treeId,
    List<String> parents,
    String authorName,
    String authorEmail,
    Instant commitTime,
    String shortMessage) {

  /** Checks that the required parts are present and freezes the parent list. */
  public CommitInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(treeId, "treeId");
    parents = List.copyOf(parents);
    Objects.requireNonNull(authorName, "authorName");
    Objects.requireNonNull(authorEmail, "authorEmail");
    Objects.requireNonNull(commitTime, "commitTime");
    Objects.requireNonNull(shortMessage, "shortMessage");
  }
}
