package dev.cairn.pipeline.runtime;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Keeps the {@link RunFacts} of runs. Locally a file per run in {@code CAIRN_HOME}; on AWS an
 * object per run in the artifact bucket. The steps of one run never change its facts at the same
 * time (the state machine runs them one after the other), but the deploy queue may read them
 * meanwhile: writes replace the whole facts atomically, so a reader sees the old or the new facts,
 * never a mix.
 */
public interface RunStore {
  /** The run's facts, if it exists. */
  Optional<RunFacts> find(String run);

  /**
   * Changes a run's facts and returns the new facts.
   *
   * @throws java.util.NoSuchElementException when the run does not exist
   */
  RunFacts update(String run, UnaryOperator<RunFacts> change);

  /** Stores the facts of a new run (or replaces those of a run asked for again). */
  void create(RunFacts facts);

  /**
   * The next run number of this repository: higher than every number given before, also after a
   * restart.
   *
   * @throws java.io.UncheckedIOException when the counter cannot be read or written: a number given
   *     twice would make the deploy queue supersede a newer run
   */
  long nextSequence();

  /** The run's facts. */
  default RunFacts get(String run) {
    return find(run).orElseThrow(() -> new java.util.NoSuchElementException("no run named " + run));
  }
}
