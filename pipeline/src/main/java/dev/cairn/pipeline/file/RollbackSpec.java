package dev.cairn.pipeline.file;

import java.util.Objects;

/**
 * What happens when a release fails to deploy or to bake.
 *
 * @param automatic roll back to the last good release automatically (default true)
 * @param revert after an automatic rollback, whether Cairn pushes a commit reverting the bad one
 *     (default {@link Revert#OFF})
 */
public record RollbackSpec(boolean automatic, Revert revert) {

  /** Where the revert commit of an automatically rolled-back commit goes. */
  public enum Revert {
    /** No revert commit: main keeps the bad commit (it is marked bad in Cairn's state). */
    OFF,
    /**
     * Onto the deployed branch, without force; if the branch moved meanwhile, onto a review branch
     * {@code cairn/revert/<short id>} instead.
     */
    MAIN,
    /** Onto a review branch {@code cairn/revert/<short id>}, for a person to merge. */
    BRANCH
  }

  /** Requires a revert policy. */
  public RollbackSpec {
    Objects.requireNonNull(revert, "revert");
  }

  /** A policy without revert commits. */
  public RollbackSpec(boolean automatic) {
    this(automatic, Revert.OFF);
  }
}
