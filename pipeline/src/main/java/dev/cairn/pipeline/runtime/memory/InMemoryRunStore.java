package dev.cairn.pipeline.runtime.memory;

import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.RunStore;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/** Runs' facts in memory: for tests and for drivers that keep nothing. */
public final class InMemoryRunStore implements RunStore {
  private final ConcurrentHashMap<String, RunFacts> runs = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  @Override
  public Optional<RunFacts> find(String run) {
    return Optional.ofNullable(runs.get(run));
  }

  @Override
  public RunFacts update(String run, UnaryOperator<RunFacts> change) {
    RunFacts changed = runs.computeIfPresent(run, (id, facts) -> change.apply(facts));
    if (changed == null) {
      throw new NoSuchElementException("no run named " + run);
    }
    return changed;
  }

  @Override
  public void create(RunFacts facts) {
    runs.put(facts.id(), facts);
  }

  @Override
  public long nextSequence() {
    return sequence.incrementAndGet();
  }
}
