package dev.cairn.engine.store;

/** The in-memory store against the store contract. */
class InMemoryExecutionStoreTest extends ExecutionStoreContractTest {
  @Override
  protected ExecutionStore newStore() {
    return new InMemoryExecutionStore();
  }
}
