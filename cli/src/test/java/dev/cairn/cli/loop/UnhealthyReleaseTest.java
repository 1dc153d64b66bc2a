package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.loop.LoopHarness.Event;
import dev.cairn.cli.loop.LoopHarness.Outcome;
import java.nio.file.Path;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A release that never becomes healthy is rolled back before it takes any traffic. */
class UnhealthyReleaseTest {
  @TempDir Path dir;
  private LoopHarness loop;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  @Test
  void aReleaseThatExitsAtOnceIsRolledBackMarkedBadAndANewerCommitStillDeploys() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit good = loop.commit("tiny: first version");
    loop.push(good);
    loop.start();
    assertThat(loop.awaitRun(good).production()).isEqualTo("deployed");

    loop.write(
        "cairn.yml",
        loop.pipeline("- run: mkdir -p out && cp app.py out/", "", "echo starting; exit 3", "0s"));
    RevCommit crashing = loop.commit("tiny: a start command that exits");
    loop.push(crashing);
    Outcome outcome = loop.awaitRun(crashing);

    assertThat(outcome.status()).isEqualTo("FAILED");
    assertThat(outcome.error()).isEqualTo("Cairn.RolledBack");
    assertThat(outcome.production()).isEqualTo("rolled-back");
    assertThat(loop.eventsOf(outcome.runId()))
        .extracting(Event::kind)
        .contains("rolled-back")
        .doesNotContain("switched");
    assertThat(loop.version()).contains(good.getName());
    assertThat(loop.cairn().pipelines().ledger("production").isBad(crashing.getName())).isTrue();
    assertThat(loop.cairn().pipelines().ledger("production").lastGood().orElseThrow().commit())
        .isEqualTo(good.getName());
    assertThat(loop.cairn().deployer().running("production"))
        .singleElement()
        .satisfies(r -> assertThat(r.commit()).isEqualTo(good.getName()));

    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit fix = loop.commit("tiny: start the server again");
    loop.push(fix);
    assertThat(loop.awaitRun(fix).production()).isEqualTo("deployed");
    assertThat(loop.version()).contains(fix.getName());
    assertThat(loop.cairn().pipelines().ledger("production").isBad(fix.getName())).isFalse();
  }
}
