package dev.cairn.pipeline.runtime;

import java.util.function.UnaryOperator;

/**
 * Keeps each environment's {@link EnvironmentState}. Changes are atomic read-modify-writes: locally
 * under one lock per environment with an atomic file replace, on AWS with conditional writes
 * (If-Match) retried on conflict. Two changes never overwrite each other (marking a commit bad
 * while the slot is released, say).
 */
public interface EnvironmentStore {
  /** The environment's state ({@link EnvironmentState#empty} when nothing happened there yet). */
  EnvironmentState read(String environment);

  /**
   * Applies {@code change} to the environment's newest state and stores the result atomically;
   * {@code change} may be called more than once (after a conflicting write) and must not have side
   * effects.
   *
   * @return the state stored
   * @throws IllegalArgumentException when {@code environment} is not a valid environment name
   */
  EnvironmentState update(String environment, UnaryOperator<EnvironmentState> change);
}
