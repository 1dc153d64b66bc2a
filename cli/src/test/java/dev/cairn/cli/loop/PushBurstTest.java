package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cli.loop.LoopHarness.Event;
import dev.cairn.cli.loop.LoopHarness.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Twenty pushes to main in quick succession: every commit gets a run that ends deployed or
 * superseded (none lost), deployments happen in commit order, and production ends on the newest.
 */
class PushBurstTest {
  private static final int PUSHES = 20;

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
  void everyCommitIsAccountedForAndProductionEndsOnTheNewestInCommitOrder() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("1s"));
    loop.write("counter.txt", "0\n");
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");

    List<RevCommit> burst = new ArrayList<>();
    for (int i = 1; i <= PUSHES; i++) {
      // A distinct tree for every commit, so that no build is reused.
      loop.write("counter.txt", i + "\n");
      RevCommit commit = loop.commit("tiny: change " + i);
      loop.push(commit);
      burst.add(commit);
    }

    Map<String, Integer> order = new HashMap<>();
    order.put(first.getName(), 0);
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < burst.size(); i++) {
      order.put(burst.get(i).getName(), i + 1);
      outcomes.add(loop.awaitRun(burst.get(i)));
    }

    RevCommit newest = burst.get(burst.size() - 1);
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome outcome = outcomes.get(i);
      assertThat(outcome.status()).as("run of change %d", i + 1).isEqualTo("SUCCEEDED");
      assertProduction(outcome).as("outcome of change %d", i + 1).isIn("deployed", "skipped");
      if (outcome.production().equals("skipped")) {
        assertThat(loop.eventsOf(outcome.runId()))
            .as("a superseded run says so and by what")
            .anySatisfy(
                e -> {
                  assertThat(e.kind()).isEqualTo("superseded");
                  assertThat(e.environment()).isEqualTo("production");
                });
      }
    }
    assertProduction(outcomes.get(outcomes.size() - 1))
        .as("the newest commit deploys")
        .isEqualTo("deployed");

    // One run per commit: 21 commits, 21 runs, nothing started twice.
    assertThat(loop.cairn().pipelines().engine().list()).hasSize(PUSHES + 1);
    assertThat(loop.events.stream().filter(e -> e.kind().equals("run-ended"))).hasSize(PUSHES + 1);

    List<Integer> switched = new ArrayList<>();
    for (Event event : loop.events) {
      if (event.kind().equals("switched")) {
        String commit = loop.cairn().pipelines().runFacts(event.runId()).path("commit").asText();
        switched.add(order.get(commit));
      }
    }
    assertThat(switched).as("commits in the order traffic switched to them").isSorted();
    assertThat(switched).doesNotHaveDuplicates().startsWith(0).endsWith(PUSHES);

    assertThat(loop.cairn().pipelines().ledger("production").lastGood().orElseThrow().commit())
        .isEqualTo(newest.getName());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(loop.version()).contains(newest.getName()));
    assertThat(loop.cairn().deployer().running("production"))
        .as("only the newest release still runs")
        .singleElement()
        .satisfies(r -> assertThat(r.commit()).isEqualTo(newest.getName()));

    // The audit trail accounts for every commit once: deployed, or superseded by a newer one.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    List<dev.cairn.pipeline.audit.AuditRecord> records = AuditTrails.records(loop.origin);
    assertThat(records.stream().map(dev.cairn.pipeline.audit.AuditRecord::id).distinct())
        .hasSize(records.size());
    for (int i = 0; i < outcomes.size(); i++) {
      String commit = burst.get(i).getName();
      List<dev.cairn.pipeline.audit.AuditRecord> outcomeRecords =
          records.stream()
              .filter(r -> r.commit().equals(commit))
              .filter(
                  r ->
                      r.event() == dev.cairn.pipeline.audit.AuditEvent.DEPLOYED
                          || r.event() == dev.cairn.pipeline.audit.AuditEvent.SUPERSEDED)
              .toList();
      assertThat(outcomeRecords).as("the outcome records of change %d", i + 1).hasSize(1);
      if (outcomes.get(i).production().equals("skipped")) {
        assertThat(order.get(outcomeRecords.get(0).supersededBy()))
            .as("change %d is superseded by a newer commit", i + 1)
            .isGreaterThan(i + 1);
      } else {
        assertThat(outcomeRecords.get(0).event())
            .isEqualTo(dev.cairn.pipeline.audit.AuditEvent.DEPLOYED);
      }
    }
  }

  @Test
  void anOlderCommitWhoseBuildEndsWhileANewerOneDeploysIsSupersededNotDeployedAfterIt()
      throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("3s"));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");

    // The older commit's build waits for a gate file in its workspace, which the test opens only
    // once the newer commit has taken traffic: its run reaches the deploy queue while the newer
    // one is baking.
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: while [ ! -e gate ]; do sleep 0.05; done\n- run: mkdir -p out && cp app.py out/",
            "",
            "python3 app.py",
            "3s"));
    RevCommit older = loop.commit("tiny: slow build");
    loop.write("cairn.yml", loop.pipeline("3s"));
    RevCommit newer = loop.commit("tiny: fast build");
    loop.push(older);
    String olderRun = loop.awaitRunId(older);
    Path gate = loop.workspace(olderRun).resolve("gate");
    String newerCommit = newer.getName();
    loop.onEvent(
        event -> {
          if (event.kind().equals("switched")
              && loop.cairn()
                  .pipelines()
                  .runFacts(event.runId())
                  .path("commit")
                  .asText()
                  .equals(newerCommit)) {
            try {
              Files.createFile(gate);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });
    loop.push(newer);

    Outcome newerOutcome = loop.awaitRun(newer);
    Outcome olderOutcome = loop.awaitRun(older);
    assertProduction(newerOutcome).isEqualTo("deployed");
    assertThat(olderOutcome.facts().path("artifact").asText())
        .as("the older commit did build")
        .isNotEmpty();
    assertProduction(olderOutcome)
        .as("the older commit is not deployed after the newer one")
        .isEqualTo("skipped");
    assertThat(loop.eventsOf(olderOutcome.runId()))
        .extracting(Event::kind)
        .contains("superseded")
        .doesNotContain("switched");
    assertThat(loop.cairn().pipelines().ledger("production").lastGood().orElseThrow().commit())
        .isEqualTo(newerCommit);
    assertThat(loop.version()).contains(newerCommit);
  }
}
