package dev.cairn.engine.store;

import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.execution.HistoryEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Keeps executions in memory: for {@code cairn states run}, tests and the in-memory benchmark. */
public final class InMemoryExecutionStore implements ExecutionStore {
  private final Map<String, Entry> executions = new LinkedHashMap<>();

  private static final class Entry {
    ExecutionDescription description;
    final String definition;
    final List<HistoryEvent> events = new ArrayList<>();

    Entry(ExecutionDescription description, String definition) {
      this.description = description;
      this.definition = definition;
    }
  }

  @Override
  public synchronized void create(ExecutionDescription description, String definition) {
    if (executions.containsKey(description.executionArn())) {
      throw new IllegalArgumentException(
          "an execution with id " + description.executionArn() + " exists already");
    }
    executions.put(description.executionArn(), new Entry(description, definition));
  }

  @Override
  public synchronized void append(
      String executionId, List<HistoryEvent> events, ExecutionDescription description) {
    Entry entry = executions.get(executionId);
    if (entry == null) {
      throw new IllegalArgumentException("no execution with id " + executionId);
    }
    long expected = entry.events.size() + 1L;
    if (!events.isEmpty() && events.get(0).id() != expected) {
      throw new IllegalStateException(
          "event #" + events.get(0).id() + " does not follow event #" + (expected - 1));
    }
    entry.events.addAll(events);
    entry.description = description;
  }

  @Override
  public synchronized Optional<StoredExecution> find(String executionId) {
    Entry entry = executions.get(executionId);
    return entry == null
        ? Optional.empty()
        : Optional.of(new StoredExecution(entry.description, entry.definition));
  }

  @Override
  public synchronized List<HistoryEvent> history(String executionId) {
    Entry entry = executions.get(executionId);
    return entry == null ? List.of() : List.copyOf(entry.events);
  }

  @Override
  public synchronized List<ExecutionDescription> list() {
    return executions.values().stream()
        .map(e -> e.description)
        .sorted(Comparator.comparing(ExecutionDescription::startDate).reversed())
        .toList();
  }

  @Override
  public synchronized List<StoredExecution> running() {
    return executions.values().stream()
        .filter(e -> e.description.status() == ExecutionStatus.RUNNING)
        .map(e -> new StoredExecution(e.description, e.definition))
        .toList();
  }

  @Override
  public void close() {}
}
