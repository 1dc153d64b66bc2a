package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cli.loop.LoopHarness.Event;
import dev.cairn.cli.loop.LoopHarness.Outcome;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollback.revert}: after an automatic rollback Cairn pushes {@code Revert "<subject>"} to
 * main (and deploys it, reusing the last good artifact) or to a review branch.
 */
class RevertPolicyTest {
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

  private String pipeline(String start, String revert) {
    return loop.pipeline("- run: mkdir -p out && cp app.py out/", "", start, "0s")
        + "    rollback: {automatic: true, revert: "
        + revert
        + "}\n";
  }

  /** A good commit deployed, then a commit whose release exits at once, rolled back. */
  private RevCommit[] goodThenRolledBack(String revert) throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", pipeline("python3 app.py", revert));
    RevCommit good = loop.commit("tiny: first version");
    loop.push(good);
    loop.start();
    assertThat(loop.awaitRun(good).production()).isEqualTo("deployed");

    loop.write("cairn.yml", pipeline("echo starting; exit 3", revert));
    RevCommit bad = loop.commit("tiny: a start command that exits");
    loop.push(bad);
    assertThat(loop.awaitRun(bad).production()).isEqualTo("rolled-back");
    return new RevCommit[] {good, bad};
  }

  @Test
  void revertOnMainIsPushedWithoutForceAndDeployedWithTheGoodArtifact() throws Exception {
    RevCommit[] commits = goodThenRolledBack("main");
    RevCommit good = commits[0];
    RevCommit bad = commits[1];

    RevCommit revert = AuditTrails.branch(loop.origin, "main");
    assertThat(revert.getParent(0).getName()).isEqualTo(bad.getName());
    assertThat(revert.getShortMessage()).isEqualTo("Revert \"tiny: a start command that exits\"");
    assertThat(revert.getTree().getName()).isEqualTo(good.getTree().getName());

    // Cairn deploys its own revert like any commit; equal trees reuse the good artifact.
    Outcome deployed = loop.awaitRun(revert);
    assertThat(deployed.production()).isEqualTo("deployed");
    assertThat(loop.eventsOf(deployed.runId()))
        .extracting(Event::kind)
        .contains("build-reused")
        .doesNotContain("build-succeeded");
    assertThat(loop.version()).contains(revert.getName());
    assertThat(loop.cairn().pipelines().ledger("production").isBad(revert.getName())).isFalse();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    List<AuditRecord> records = AuditTrails.records(loop.origin);
    AuditRecord reverted =
        records.stream().filter(r -> r.event() == AuditEvent.REVERTED).findFirst().orElseThrow();
    assertThat(reverted.commit()).isEqualTo(bad.getName());
    assertThat(reverted.revertBranch()).isEqualTo("main");
    assertThat(reverted.revertCommit()).isEqualTo(revert.getName());
    assertThat(
            records.stream()
                .filter(r -> r.event() == AuditEvent.DEPLOYED)
                .map(AuditRecord::commit)
                .toList())
        .containsExactly(good.getName(), revert.getName());
  }

  @Test
  void revertOnABranchLeavesMainAsItWas() throws Exception {
    RevCommit[] commits = goodThenRolledBack("branch");
    RevCommit bad = commits[1];

    assertThat(AuditTrails.branch(loop.origin, "main").getName()).isEqualTo(bad.getName());
    String review = "cairn/revert/" + bad.getName().substring(0, 7);
    RevCommit revert = AuditTrails.branch(loop.origin, review);
    assertThat(revert).isNotNull();
    assertThat(revert.getParent(0).getName()).isEqualTo(bad.getName());
    assertThat(revert.getTree().getName()).isEqualTo(commits[0].getTree().getName());
    assertThat(loop.events)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo("reverted");
              assertThat(e.message()).contains(review);
            });

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    assertThat(AuditTrails.records(loop.origin))
        .filteredOn(r -> r.event() == AuditEvent.REVERTED)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.revertBranch()).isEqualTo(review);
              assertThat(r.revertCommit()).isEqualTo(revert.getName());
              assertThat(r.subject())
                  .isEqualTo(
                      "production: reverted "
                          + bad.getName().substring(0, 7)
                          + " (tiny: a start command that exits) on "
                          + review
                          + " as "
                          + revert.getName().substring(0, 7));
            });
  }
}
