package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.git.audit.AuditTipFile;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.git.audit.AuditVerifier;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.runtime.EnvironmentState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git as memory, end to end: Cairn loses its state directory, starts again on the same repository,
 * and still knows from the audit trail which commit is bad and where to roll back.
 */
class GitAsMemoryTest {
  private static final String ENV = "production";

  /**
   * What a lost state directory loses: everything but the running releases' own state (which the
   * new process adopts, as after any restart) and the artifact store (the rollback restarts the
   * last good release from its artifact; the records keep only its digest).
   */
  private static final List<String> LOST =
      List.of("environments", "runs", "engine", "mirror", "audit", "watcher.json", "releases");

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
  void afterLosingItsStateCairnStillRefusesTheBadCommitAndRollsBackToTheLastGoodRelease()
      throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");
    loop.write("NOTES", "second\n");
    RevCommit second = loop.commit("tiny: second version");
    loop.push(second);
    assertProduction(loop.awaitRun(second)).isEqualTo("deployed");
    loop.write("cairn.yml", crashingPipeline());
    RevCommit bad = loop.commit("tiny: a start command that exits");
    loop.push(bad);
    assertProduction(loop.awaitRun(bad)).isEqualTo("rolled-back");
    await("every record is pushed")
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());

    // Cairn stops and its state is lost; the app keeps serving the second version.
    loop.cairn().close();
    for (String name : LOST) {
      deleteRecursively(loop.home.resolve(name));
    }
    assertThat(loop.version()).contains(second.getName());
    CompletableFuture<String> offeredAgain = new CompletableFuture<>();
    loop.onEvent(
        e -> {
          if (e.kind().equals("run-ended")) {
            offeredAgain.complete(e.runId());
          }
        });
    loop.start();

    EnvironmentState ledger = loop.cairn().pipelines().ledger(ENV);
    assertThat(ledger.lastGood())
        .get()
        .extracting(EnvironmentState.LastGood::commit)
        .isEqualTo(second.getName());
    assertThat(ledger.isBad(bad.getName())).isTrue();
    assertThat(ledger.previousGood()).contains(first.getName());
    assertThat(loop.events)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo("recovered");
              assertThat(e.environment()).isEqualTo(ENV);
              assertThat(e.message()).contains(second.getName().substring(0, 7));
            });

    // The new process sees the branch's head, the bad commit, for the first time: refused.
    String rerun = offeredAgain.get(2, TimeUnit.MINUTES);
    LoopHarness.Outcome refused = loop.outcome(rerun);
    assertThat(refused.facts().path("commit").asText()).isEqualTo(bad.getName());
    assertProduction(refused).isEqualTo("skipped");
    assertThat(loop.version()).contains(second.getName());

    // Another failing commit is rolled back to the recovered last good release.
    loop.write("NOTES", "third\n");
    RevCommit worse = loop.commit("tiny: still exits");
    loop.push(worse);
    assertProduction(loop.awaitRun(worse)).isEqualTo("rolled-back");
    assertThat(loop.version()).contains(second.getName());
    assertThat(loop.cairn().pipelines().ledger(ENV).isBad(worse.getName())).isTrue();

    // A rollback by hand goes to the good release before it, known only from the trail.
    String back =
        loop.cairn().pipelines().rollback(ENV, null, c -> first.getTree().getName(), "ada", false);
    await("the rollback run ends")
        .atMost(Duration.ofMinutes(2))
        .until(() -> !loop.outcome(back).status().equals("RUNNING"));
    assertThat(loop.outcome(back).status()).isEqualTo("SUCCEEDED");
    assertThat(loop.version()).contains(first.getName());

    // The trail the real loop wrote, across the restart, passes the integrity check, and its
    // deployments carry their commit's time (for lead time).
    await("every record is pushed")
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    try (AuditTrail trail = AuditTrail.open(loop.origin, null, null)) {
      AuditVerifier.Report report =
          AuditVerifier.builder()
              .grace(Duration.ZERO)
              .build()
              .verify(
                  trail.repository(),
                  trail.ref(),
                  List.of(
                      new AuditVerifier.KnownTip(
                          AuditTipFile.read(loop.home.resolve("audit/delivered-tip")).orElseThrow(),
                          "delivered by Cairn")));
      assertThat(report.problems()).isEmpty();
      assertThat(
              trail.query(
                  new AuditTrail.Query(ENV, second.getName(), AuditEvent.DEPLOYED, null, null, 0)))
          .singleElement()
          .satisfies(
              e ->
                  assertThat(e.committedAt())
                      .isEqualTo(second.getCommitterIdent().getWhenAsInstant()));
    }
  }

  private String crashingPipeline() {
    return loop.pipeline(
        "- run: mkdir -p out && cp app.py out/", "", "echo starting; exit 3", "0s");
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
