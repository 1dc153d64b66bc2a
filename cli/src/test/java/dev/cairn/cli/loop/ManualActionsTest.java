package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.cli.loop.LoopHarness.Outcome;
import dev.cairn.pipeline.port.Release;
import java.nio.file.Path;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An automatic rollback whose last good release is no longer running: it is restarted from its
 * stored artifact. (Manual rollback and deploy through the HTTP API are scenarios of the behaviour
 * suite, {@link LocalBehaviourTest}.)
 */
class ManualActionsTest {
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
  void anAutomaticRollbackRestartsTheLastGoodReleaseFromItsArtifactWhenItIsGone() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit good = loop.commit("tiny: good");
    loop.push(good);
    loop.start();
    assertThat(loop.awaitRun(good).production()).isEqualTo("deployed");
    Release live = loop.cairn().deployer().live("production").orElseThrow();

    loop.write("app.py", appFailingAfterStart());
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: mkdir -p out && cp app.py out/",
            "",
            "FAIL_AFTER_SECONDS=1 python3 app.py",
            "5s"));
    // The good release dies as soon as the bad one takes traffic, while the deployment holds
    // production: outside a deployment, supervision would restart it in place.
    loop.onEvent(
        e -> {
          if (e.kind().equals("switched")) {
            ProcessHandle.of(live.pid())
                .ifPresent(
                    process -> {
                      process.descendants().forEach(ProcessHandle::destroyForcibly);
                      process.destroyForcibly();
                    });
          }
        });
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
