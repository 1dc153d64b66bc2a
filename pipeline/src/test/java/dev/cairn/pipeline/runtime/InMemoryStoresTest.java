package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.runtime.memory.InMemoryEnvironmentStore;
import dev.cairn.pipeline.runtime.memory.InMemoryRunStore;
import org.junit.jupiter.api.Nested;

/** The in-memory stores pass the stores' contracts. */
class InMemoryStoresTest {
  @Nested
  class Runs extends RunStoreContract {
    @Override
    protected RunStore store() {
      return new InMemoryRunStore();
    }
  }

  @Nested
  class Environments extends EnvironmentStoreContract {
    @Override
    protected EnvironmentStore store() {
      return new InMemoryEnvironmentStore();
    }
  }
}
