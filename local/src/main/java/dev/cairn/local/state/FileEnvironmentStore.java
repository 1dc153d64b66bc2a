package dev.cairn.local.state;

import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.EnvironmentStateJson;
import dev.cairn.pipeline.runtime.EnvironmentStore;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Each environment's state in {@code CAIRN_HOME/environments/<environment>.json}: changed under one
 * lock per environment and written atomically, so two changes never overwrite each other and a
 * crash never leaves half a file. The name is checked before it becomes part of a path.
 */
public final class FileEnvironmentStore implements EnvironmentStore {
  private final Path directory;
  private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

  /** States kept under {@code directory} ({@code CAIRN_HOME/environments}). */
  public FileEnvironmentStore(Path directory) {
    this.directory = directory;
  }

  @Override
  public EnvironmentState read(String environment) {
    Path file = file(environment);
    return JsonFiles.read(file)
        .map(json -> EnvironmentStateJson.read(environment, json))
        .orElseGet(() -> EnvironmentState.empty(environment));
  }

  @Override
  public EnvironmentState update(String environment, UnaryOperator<EnvironmentState> change) {
    Path file = file(environment);
    synchronized (locks.computeIfAbsent(environment, e -> new Object())) {
      EnvironmentState changed = change.apply(read(environment));
      JsonFiles.write(file, EnvironmentStateJson.write(changed));
      return changed;
    }
  }

  private Path file(String environment) {
    return directory.resolve(EnvironmentNames.require(environment) + ".json");
  }
}
