package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.local.state.FileEnvironmentStore;
import dev.cairn.pipeline.port.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery at startup when the trail cannot be read, or need not be. */
class TrailRecoveryTest {
  @TempDir Path home;
  private final List<String> events = new CopyOnWriteArrayList<>();

  private void heard(RunEvent event) {
    events.add(event.kind().wireName() + ": " + event.message());
  }

  @Test
  void anUnreachableRemoteIsReportedWithoutItsSecretAndCairnGoesOn() throws Exception {
    List<String> seeded =
        TrailRecovery.recover(
            home,
            new FileEnvironmentStore(home.resolve("environments")),
            "http://cairn:canary-pass@127.0.0.1:1/app.git",
            "http://127.0.0.1:1/app.git",
            null,
            this::heard);

    assertThat(seeded).isEmpty();
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("error: could not recover environments from the audit trail")
        .contains("127.0.0.1:1")
        .doesNotContain("canary-pass");
    assertThat(Files.readString(home.resolve("audit/remote")))
        .isEqualTo("http://127.0.0.1:1/app.git\n");
  }

  @Test
  void existingLedgersAreNotRecoveredAndTheRemoteIsNotAsked() throws Exception {
    Files.createDirectories(home.resolve("environments"));
    Files.writeString(home.resolve("environments/production.json"), "{}");

    List<String> seeded =
        TrailRecovery.recover(
            home,
            new FileEnvironmentStore(home.resolve("environments")),
            "http://127.0.0.1:1/app.git",
            "http://127.0.0.1:1/app.git",
            null,
            this::heard);

    assertThat(seeded).isEmpty();
    assertThat(events).isEmpty();
    assertThat(Files.exists(home.resolve("audit/trail.git"))).isFalse();
  }
}
