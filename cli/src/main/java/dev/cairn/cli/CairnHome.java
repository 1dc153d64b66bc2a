package dev.cairn.cli;

import dev.cairn.engine.store.SqliteExecutionStore;
import java.nio.file.Path;

/**
 * CAIRN_HOME: the one directory where Cairn keeps its state (default {@code ~/.cairn}). The
 * engine's executions live in {@code engine/executions.db} inside it.
 */
final class CairnHome {
  private CairnHome() {}

  static Path path() {
    // The system property lets in-process tests point the commands at a temporary directory.
    String property = System.getProperty("cairn.home");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String configured = System.getenv("CAIRN_HOME");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".cairn");
  }

  static SqliteExecutionStore openExecutionStore() {
    return SqliteExecutionStore.open(path().resolve("engine").resolve("executions.db"));
  }
}
