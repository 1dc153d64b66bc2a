package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens when a release fails to deploy or to bake, or fails again and again once live.
 *
 * @param automatic roll back to the last good release automatically (default true)
 * @param revert after an automatic rollback, whether Cairn pushes a commit reverting the bad one
 *     (default {@link Revert#OFF})
 * @param maxRestarts how many times the live release may be restarted within {@code restartWindow}
 *     after it exited or stopped answering its health check; one more failure rolls the environment
 *     back to its previous good release (default {@value #DEFAULT_MAX_RESTARTS})
 * @param restartWindow the window {@code maxRestarts} counts in (default 10 minutes)
 */
public record RollbackSpec(
    boolean automatic, Revert revert, int maxRestarts, Duration restartWindow) {

  /** Restarts of a live release within the window before it is rolled back, by default. */
  public static final int DEFAULT_MAX_RESTARTS = 3;

  /** The window restarts are counted in, by default. */
  public static final Duration DEFAULT_RESTART_WINDOW = Duration.ofMinutes(10);

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

  /** Requires a revert policy and a positive window. */
  public RollbackSpec {
    Objects.requireNonNull(revert, "revert");
    Objects.requireNonNull(restartWindow, "restartWindow");
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("maxRestarts must not be negative");
    }
    if (restartWindow.isNegative() || restartWindow.isZero()) {
      throw new IllegalArgumentException("restartWindow must be longer than 0s");
    }
  }

  /** A policy with the default restart limits. */
  public RollbackSpec(boolean automatic, Revert revert) {
    this(automatic, revert, DEFAULT_MAX_RESTARTS, DEFAULT_RESTART_WINDOW);
  }

  /** A policy without revert commits. */
  public RollbackSpec(boolean automatic) {
    this(automatic, Revert.OFF);
  }
}
