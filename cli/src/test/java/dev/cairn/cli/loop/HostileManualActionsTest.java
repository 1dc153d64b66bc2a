package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.local.secret.CairnCredentials;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manual actions a token holder (or a stolen token) might abuse: deploying an unreviewed branch,
 * walking file paths with an environment name, reading Cairn's own credentials from a pipeline.
 */
class HostileManualActionsTest {
  private static final String GIT_TOKEN = "ghp_cairnsOwnToken0123456789";

  @TempDir Path dir;
  private LoopHarness loop;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
    loop.write("app.py", LoopHarness.app());
    CairnCredentials.open(loop.home).put(CairnCredentials.GIT_TOKEN, GIT_TOKEN);
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  @Test
  void anUnmergedCommitIsDeployedOnlyWhenAskedAndAPathWalkingNameNever() throws Exception {
    loop.write("cairn.yml", loop.pipeline("0s"));
    RevCommit first = loop.commit("tiny: first");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");

    loop.write("README", "unreviewed\n");
    RevCommit unreviewed = loop.commit("tiny: unreviewed feature");
    loop.pushBranch(unreviewed, "feature");
    // Cairn fetches when main moves: a reviewed second commit on main brings the branch along.
    loop.resetTo(first);
    loop.write("CHANGELOG", "reviewed\n");
    RevCommit second = loop.commit("tiny: reviewed second");
    loop.push(second);
    assertProduction(loop.awaitRun(second)).isEqualTo("deployed");
    String body = "{\"environment\": \"production\", \"commit\": \"" + unreviewed.getName() + "\"}";
    await("the mirror has the feature branch")
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.api("/api/deploy", body).body().contains("not on branch"));
    HttpResponse<String> refused = loop.api("/api/deploy", body);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("not on branch main").contains("--allow-unmerged");

    HttpResponse<String> walking =
        loop.api(
            "/api/rollback", "{\"environment\": \"../../x\", \"to\": \"" + first.getName() + "\"}");
    assertThat(walking.statusCode()).isEqualTo(400);
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("x."))).isEmpty();
    }

    HttpResponse<String> allowed =
        loop.api(
            "/api/deploy",
            "{\"environment\": \"production\", \"commit\": \""
                + unreviewed.getName()
                + "\", \"allowUnmerged\": true}");
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(202);
    String run = LoopHarness.parse(allowed.body()).path("run").asText();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> !loop.outcome(run).status().equals("RUNNING"));
    assertThat(loop.version()).contains(unreviewed.getName());
    // The manual action's record says who did it and, as a field of its own, that the commit was
    // not on the branch; the actor stays the plain actor.
    loop.cairn().flushAudit();
    AuditRecord action =
        await("the manual action's record")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    AuditTrails.records(loop.origin).stream()
                        .filter(r -> r.event() == AuditEvent.MANUAL_ACTION)
                        .filter(r -> r.commit().equals(unreviewed.getName()))
                        .findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    assertThat(action.allowUnmerged()).isTrue();
    assertThat(action.action()).isEqualTo("deploy");
    assertThat(action.trigger().actor())
        .isEqualTo(loop.outcome(run).facts().path("actor").asText())
        .doesNotContain("unmerged");
    assertThat(action.toJsonNode().path("allowUnmerged").asBoolean()).isTrue();
    assertThat(action.subject()).endsWith("(allow-unmerged)");
    // Every run says whether it ran sandboxed, as `cairn status` does (bubblewrap here or not).
    var isolation = loop.cairn().isolationJson();
    String expected =
        isolation.path("sandboxed").asBoolean() && isolation.path("releasesSandboxed").asBoolean()
            ? null
            : "none";
    assertThat(AuditTrails.records(loop.origin))
        .filteredOn(r -> r.event() == AuditEvent.RUN_STARTED)
        .hasSizeGreaterThanOrEqualTo(3)
        .allSatisfy(r -> assertThat(r.isolation()).isEqualTo(expected));
    // Records of the other commits carry no such field.
    assertThat(AuditTrails.records(loop.origin))
        .filteredOn(r -> !r.commit().equals(unreviewed.getName()))
        .noneMatch(AuditRecord::allowUnmerged);
  }

  @Test
  void aPipelineCannotReadCairnsGitToken() throws Exception {
    loop.write(
        "cairn.yml",
        loop.pipeline(
            "- run: mkdir -p out && cp app.py out/ && echo \"token=$STOLEN\"",
            "STOLEN: \"${secrets.git-token}\"",
            "python3 app.py",
            "0s"));
    RevCommit thief = loop.commit("tiny: print the git token");
    loop.push(thief);
    loop.start();

    LoopHarness.Outcome outcome = loop.awaitRun(thief);

    assertThat(outcome.status()).isEqualTo("FAILED");
    assertThat(String.join("\n", loop.history(outcome.runId()))).doesNotContain(GIT_TOKEN);
    assertThat(outcome.cause() + outcome.error()).doesNotContain(GIT_TOKEN);
    if (!Files.isDirectory(loop.home.resolve("logs"))) {
      return; // refused before any step ran
    }
    try (Stream<Path> files = Files.walk(loop.home.resolve("logs"))) {
      for (Path log : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(log)).doesNotContain(GIT_TOKEN);
      }
    }
  }
}
