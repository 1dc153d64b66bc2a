package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every {@link EnvironmentStore} does; each adapter's test extends it. */
public abstract class EnvironmentStoreContract {
  /** A new, empty store. */
  protected abstract EnvironmentStore store() throws Exception;

  private static final String A = "a".repeat(40);
  private static final String B = "b".repeat(40);

  @Test
  void anEnvironmentNothingHappenedInIsEmpty() throws Exception {
    EnvironmentState state = store().read("production");

    assertThat(state).isEqualTo(EnvironmentState.empty("production"));
  }

  @Test
  void whatAnUpdateStoresIsReadBackWhole() throws Exception {
    EnvironmentStore store = store();
    EnvironmentState.Slot holder = new EnvironmentState.Slot("000002-bbbbbbb", 2, B, "token-2");
    store.update(
        "production",
        s ->
            s.withLastGood(
                    new EnvironmentState.LastGood(
                        A, "sha256:" + "1".repeat(64), "r1", "000001-aaaaaaa"),
                    1)
                .withBad(B)
                .withQueue(Optional.of(holder), List.of(), 2));

    EnvironmentState read = store.read("production");

    assertThat(read.lastGood()).get().extracting(EnvironmentState.LastGood::commit).isEqualTo(A);
    assertThat(read.goodHistory()).containsExactly(A);
    assertThat(read.bad()).containsExactly(B);
    assertThat(read.holder()).contains(holder);
    assertThat(read.grantedSequence()).isEqualTo(2);
    assertThat(read.deployedSequence()).isEqualTo(1);
    assertThat(store.read("staging").lastGood()).isEmpty();
  }

  @Test
  void concurrentUpdatesNeverOverwriteEachOther() throws Exception {
    EnvironmentStore store = store();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      CompletableFuture<?>[] writes =
          IntStream.range(0, 24)
              .mapToObj(
                  i ->
                      CompletableFuture.runAsync(
                          () ->
                              store.update("production", s -> s.withBad(String.format("%040d", i))),
                          threads))
              .toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(writes).join();
    } finally {
      threads.shutdownNow();
    }

    assertThat(store.read("production").bad()).hasSize(24);
  }

  @Test
  void aNameThatIsNotAnEnvironmentNameIsRefusedBeforeAnyUse() throws Exception {
    EnvironmentStore store = store();

    assertThatThrownBy(() -> store.update("../../x", s -> s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not valid");
    assertThatThrownBy(() -> store.read("a/b")).isInstanceOf(IllegalArgumentException.class);
  }
}
