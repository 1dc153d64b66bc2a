package dev.cairn.pipeline.port;

import java.io.IOException;

/**
 * Pushes commits that revert a bad commit in the application repository, so that the deployed
 * branch again describes what runs (the {@code rollback.revert} policy of the pipeline file).
 */
public interface SourceReverter {

  /**
   * What was pushed.
   *
   * @param commit the revert commit (full id)
   * @param branch the branch it went to, without {@code refs/heads/}, e.g. {@code main} or {@code
   *     cairn/revert/3f2a91c}
   * @param explanation for people: where it went and why (e.g. that the deployed branch moved and a
   *     review branch was used instead)
   */
  record Reverted(String commit, String branch, String explanation) {}

  /**
   * Builds a commit {@code Revert "<subject>"} that undoes {@code commit} on top of the deployed
   * branch's current tip and pushes it, never with force.
   *
   * @param commit the commit to revert (full id)
   * @param ontoDeployedBranch push onto the deployed branch (falling back to a review branch when
   *     the branch moved meanwhile); false: onto a review branch only
   * @return what was pushed
   * @throws IOException when nothing could be pushed (the remote is unreachable, the revert
   *     conflicts with later commits, ...), with a message for people that contains no credentials
   */
  Reverted revert(String commit, boolean ontoDeployedBranch) throws IOException;
}
