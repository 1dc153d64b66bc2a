package dev.cairn.engine.store;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Keeps executions in an embedded SQLite database file. */
public final class SqliteExecutionStore implements ExecutionStore {
  // STUB: implemented by the store work.

  /** Opens (creating if needed) the database at {@code file}. */
  public static SqliteExecutionStore open(Path file) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public void create(ExecutionDescription description, String definition) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public void append(
      String executionId, List<HistoryEvent> events, ExecutionDescription description) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public Optional<StoredExecution> find(String executionId) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public List<HistoryEvent> history(String executionId) {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public List<ExecutionDescription> list() {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public List<StoredExecution> running() {
    throw new UnsupportedOperationException("stub");
  }

  @Override
  public void close() {}
}
