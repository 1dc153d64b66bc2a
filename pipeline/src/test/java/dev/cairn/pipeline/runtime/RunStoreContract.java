package dev.cairn.pipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** What every {@link RunStore} does; each adapter's test extends it. */
public abstract class RunStoreContract {
  /** A new, empty store. */
  protected abstract RunStore store() throws Exception;

  private static final String COMMIT = "c".repeat(40);

  private static RunFacts run(String id) {
    return RunFacts.submitted(
        id,
        COMMIT,
        "t".repeat(40),
        "notes: add search",
        RunFacts.Trigger.MANUAL,
        "ada",
        "production",
        7,
        Instant.parse("2026-12-01T10:00:00Z"));
  }

  @Test
  void factsAreReadBackAsTheyWereChanged() throws Exception {
    RunStore store = store();
    store.create(run("000007-ccccccc"));

    RunFacts changed =
        store.update(
            "000007-ccccccc",
            f ->
                f.withPipelineFile("name: app\n")
                    .withBuildFailure(
                        new RunFacts.Failure("Cairn.BuildFailed", "step 'test' failed"))
                    .withArtifact("sha256:" + "1".repeat(64))
                    .withDeployment(
                        "production",
                        d ->
                            d.started(Instant.parse("2026-12-01T10:01:00Z"), "p".repeat(40))
                                .withRelease("release-1")
                                .withSwitched()
                                .withOutcome("rolled-back")
                                .withRolledBackTo("p".repeat(40))
                                .withRevertAttempted()
                                .withSupersededBy("s".repeat(40))
                                .withFailure(
                                    new RunFacts.Failure(
                                        "Cairn.VerifyFailed",
                                        "the release failed 3 health checks\nin a row"))));

    assertThat(store.find("000007-ccccccc")).contains(changed);
    assertThat(store.find("000008-ccccccc")).isEmpty();
  }

  @Test
  void changingARunThatDoesNotExistFails() throws Exception {
    RunStore store = store();

    assertThatThrownBy(() -> store.update("000009-ccccccc", f -> f))
        .isInstanceOf(NoSuchElementException.class);
  }

  @Test
  void runNumbersOnlyGoUp() throws Exception {
    RunStore store = store();

    long first = store.nextSequence();
    long second = store.nextSequence();

    assertThat(second).isGreaterThan(first);
  }
}
