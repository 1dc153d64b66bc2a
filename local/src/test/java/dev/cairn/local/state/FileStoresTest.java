package dev.cairn.local.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.pipeline.runtime.EnvironmentStore;
import dev.cairn.pipeline.runtime.EnvironmentStoreContract;
import dev.cairn.pipeline.runtime.RunStore;
import dev.cairn.pipeline.runtime.RunStoreContract;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stores in CAIRN_HOME pass the stores' contracts, and keep what earlier versions wrote. */
class FileStoresTest {
  @TempDir Path home;

  @Nested
  class Runs extends RunStoreContract {
    @Override
    protected RunStore store() {
      return new FileRunStore(home.resolve("runs"));
    }
  }

  @Nested
  class Environments extends EnvironmentStoreContract {
    @Override
    protected EnvironmentStore store() {
      return new FileEnvironmentStore(home.resolve("environments"));
    }
  }

  @Test
  void aLedgerWrittenBeforeTheSharedRuntimeIsRead() throws Exception {
    Path ledgers = Files.createDirectories(home.resolve("environments"));
    String a = "a".repeat(40);
    Files.writeString(
        ledgers.resolve("production.json"),
        "{\"lastGood\":{\"commit\":\""
            + a
            + "\",\"artifact\":\"sha256:1\",\"releaseId\":\"r1\",\"runId\":\"000001-aaaaaaa\"},"
            + "\"goodHistory\":[\""
            + a
            + "\"],\"bad\":[],\"holder\":\"000002-bbbbbbb\",\"grantedSequence\":2,"
            + "\"deployedSequence\":1}");

    var state = new FileEnvironmentStore(ledgers).read("production");

    assertThat(state.lastGood()).get().extracting(g -> g.runId()).isEqualTo("000001-aaaaaaa");
    assertThat(state.holder()).get().extracting(h -> h.run()).isEqualTo("000002-bbbbbbb");
    assertThat(state.grantedSequence()).isEqualTo(2);
  }

  @Test
  void aCorruptStateFileIsReportedNotTakenForAnEmptyOne() throws Exception {
    Path ledgers = Files.createDirectories(home.resolve("environments"));
    Files.writeString(ledgers.resolve("production.json"), "{\"lastGood\": {\"comm");

    assertThatThrownBy(() -> new FileEnvironmentStore(ledgers).read("production"))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("production.json");
  }

  @Test
  void runNumbersContinueFromTheRunsOfAnEarlierVersion() throws Exception {
    Path runs = home.resolve("runs");
    Files.createDirectories(runs.resolve("000001-aaaaaaa"));
    Files.createDirectories(runs.resolve("000002-bbbbbbb"));

    assertThat(new FileRunStore(runs).nextSequence()).isEqualTo(3);
    assertThat(new FileRunStore(runs).nextSequence()).isEqualTo(4);
  }
}
