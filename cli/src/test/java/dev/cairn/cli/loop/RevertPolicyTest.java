package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.pipeline.audit.AuditEvent;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollback.revert: branch}: after an automatic rollback Cairn pushes {@code Revert
 * "<subject>"} to a review branch and leaves main alone. (A revert on main, deployed with the good
 * tree, is a scenario of the behaviour suite, {@link LocalBehaviourTest}.)
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
    assertProduction(loop.awaitRun(good)).isEqualTo("deployed");

    loop.write("cairn.yml", pipeline("echo starting; exit 3", revert));
    RevCommit bad = loop.commit("tiny: a start command that exits");
    loop.push(bad);
    assertProduction(loop.awaitRun(bad)).isEqualTo("rolled-back");
    return new RevCommit[] {good, bad};
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
