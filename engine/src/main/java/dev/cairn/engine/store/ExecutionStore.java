package dev.cairn.engine.store;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import java.util.List;
import java.util.Optional;

/**
 * Where executions and their histories are kept. The engine appends an execution's new events here,
 * atomically, before it acts on them; after a crash it replays what is here.
 *
 * <p>Implementations: {@link InMemoryExecutionStore} (fast, nothing survives the process) and
 * {@link SqliteExecutionStore} (an embedded database file in CAIRN_HOME). Both pass the same
 * contract tests.
 */
public interface ExecutionStore extends AutoCloseable {
  /**
   * Records a new execution, before any of its events.
   *
   * @param description the execution as it starts (status RUNNING)
   * @param definition the state machine definition, as JSON text, so it can be replayed later
   * @throws IllegalArgumentException when an execution with that id exists
   */
  void create(ExecutionDescription description, String definition);

  /**
   * Appends events and the execution's description after them, all or nothing.
   *
   * @param events the new events, ids continuing the stored history without gaps
   * @param description the execution as it stands after these events
   */
  void append(String executionId, List<HistoryEvent> events, ExecutionDescription description);

  /** An execution with its definition, if it exists. */
  Optional<StoredExecution> find(String executionId);

  /** Every event of an execution, in order; empty when it does not exist. */
  List<HistoryEvent> history(String executionId);

  /** Every execution, newest first. */
  List<ExecutionDescription> list();

  /** The executions still RUNNING, to be resumed after a restart. */
  List<StoredExecution> running();

  /** Releases the store's resources. */
  @Override
  void close();

  /**
   * An execution as stored.
   *
   * @param description its latest description
   * @param definition its definition as JSON text
   */
  record StoredExecution(ExecutionDescription description, String definition) {}
}
