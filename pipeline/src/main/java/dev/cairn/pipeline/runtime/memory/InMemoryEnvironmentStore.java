package dev.cairn.pipeline.runtime.memory;

import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Environments' states in memory: for tests and for drivers that keep nothing. */
public final class InMemoryEnvironmentStore implements EnvironmentStore {
  private final ConcurrentHashMap<String, EnvironmentState> states = new ConcurrentHashMap<>();

  @Override
  public EnvironmentState read(String environment) {
    return states.getOrDefault(
        EnvironmentNames.require(environment), EnvironmentState.empty(environment));
  }

  @Override
  public EnvironmentState update(String environment, UnaryOperator<EnvironmentState> change) {
    return states.compute(
        EnvironmentNames.require(environment),
        (name, state) -> change.apply(state == null ? EnvironmentState.empty(name) : state));
  }
}
