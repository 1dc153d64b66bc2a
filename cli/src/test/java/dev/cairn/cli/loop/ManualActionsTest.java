package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.loop.LoopHarness.Outcome;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.Release;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manual rollback and deploy through Cairn's HTTP port, and an automatic rollback whose last good
 * release is no longer running (it is restarted from its stored artifact).
 */
class ManualActionsTest {
  @TempDir Path dir;
  private LoopHarness loop;
  private final Map<String, CompletableFuture<Outcome>> ended = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  private Outcome awaitRunId(String runId) throws Exception {
    return ended.computeIfAbsent(runId, id -> new CompletableFuture<>()).get(5, TimeUnit.MINUTES);
  }

  private String post(String path, String body) throws Exception {
    HttpResponse<String> response = loop.api(path, body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return Json.parse(response.body()).get("run").asText();
  }

  /** The tiny app, whose /health fails once it has run longer than FAIL_AFTER_SECONDS. */
  private static String appFailingAfterStart() {
    String app =
        LoopHarness.app()
            .replace(
                "import os, http.server\n", "import os, http.server, time\nSTART = time.time()\n")
            .replace(
                "        if self.path == \"/health\":\n",
                "        if self.path == \"/health\" and time.time() - START >"
                    + " float(os.environ.get(\"FAIL_AFTER_SECONDS\", \"1e9\")):\n"
                    + "            self.send_error(500)\n"
                    + "            return\n"
                    + "        if self.path == \"/health\":\n");
    assertThat(app).as("the health failure was added to the app").contains("FAIL_AFTER_SECONDS");
    return app;
  }

  @Test
  void rollbackMarksTheServedCommitBadAndDeployGoesBackToIt() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first");
    loop.push(first);
    loop.start();
    loop.onEvent(
        e -> {
          if (e.kind().equals("run-ended")) {
            ended
                .computeIfAbsent(e.runId(), id -> new CompletableFuture<>())
                .complete(loop.outcome(e.runId()));
          }
        });
    assertThat(loop.awaitRun(first).production()).isEqualTo("deployed");
    loop.write("README", "second\n");
    RevCommit second = loop.commit("tiny: second");
    loop.push(second);
    assertThat(loop.awaitRun(second).production()).isEqualTo("deployed");

    String rollback = post("/api/rollback", "{\"environment\": \"production\"}");

    assertThat(awaitRunId(rollback).production()).isEqualTo("deployed");
    assertThat(loop.version()).contains(first.getName());
    var ledger = loop.cairn().pipelines().ledger("production");
    assertThat(ledger.isBad(second.getName())).isTrue();
    assertThat(ledger.lastGood().orElseThrow().commit()).isEqualTo(first.getName());

    String deploy =
        post(
            "/api/deploy",
            "{\"environment\": \"production\", \"commit\": \""
                + second.getName().substring(0, 8)
                + "\"}");

    assertThat(awaitRunId(deploy).production()).isEqualTo("deployed");
    assertThat(loop.version()).contains(second.getName());
  }

  @Test
  void anAutomaticRollbackRestartsTheLastGoodReleaseFromItsArtifactWhenItIsGone() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit good = loop.commit("tiny: good");
    loop.push(good);
    loop.start();
    assertThat(loop.awaitRun(good).production()).isEqualTo("deployed");
    Release live = loop.cairn().deployer().live("production").orElseThrow();
    ProcessHandle.of(live.pid())
        .ifPresent(
            process -> {
              process.descendants().forEach(ProcessHandle::destroyForcibly);
              process.destroyForcibly();
            });

    loop.write("app.py", appFailingAfterStart());
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: mkdir -p out && cp app.py out/",
            "",
            "FAIL_AFTER_SECONDS=1 python3 app.py",
            "5s"));
    RevCommit bad = loop.commit("tiny: fails after a second");
    loop.push(bad);
    Outcome outcome = loop.awaitRun(bad);

    assertThat(outcome.error()).isEqualTo("Cairn.RolledBack");
    assertThat(loop.version()).contains(good.getName());
    assertThat(loop.cairn().deployer().live("production").orElseThrow().id())
        .as("a new release of the good commit, started from its artifact")
        .isNotEqualTo(live.id());
  }
}
