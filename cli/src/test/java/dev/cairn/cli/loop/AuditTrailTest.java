package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.cli.loop.LoopHarness.Outcome;
import dev.cairn.local.secret.FileSecretStore;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail written by the real loop: every event of every run on {@code cairn/audit}, in
 * order and once, through an unreachable remote, with release tags, and never a secret.
 */
class AuditTrailTest {
  private static final String CANARY = "canary-7f9d2c-do-not-leak";
  private static final String ENV = "production";

  @TempDir Path dir;
  private LoopHarness loop;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
    // The API token belongs to ada: manual actions through it are hers.
    dev.cairn.local.secret.CairnCredentials.open(loop.home)
        .put(dev.cairn.local.secret.CairnCredentials.API_ACTOR, "ada");
    // The canary is a secret the build and the app use, set as a user would.
    new FileSecretStore(loop.home.resolve("secrets")).put("api-token", CANARY);
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  private String pipeline(String buildSteps, String start) {
    return loop.pipeline(buildSteps, "API_TOKEN: \"${secrets.api-token}\"", start, "0s")
            .replace(
                "        CAIRN_COMMIT: \"${commit}\"\n",
                "        CAIRN_COMMIT: \"${commit}\"\n        API_TOKEN: \"${secrets.api-token}\"\n")
        + "audit: {tags: true}\n";
  }

  private String goodPipeline() {
    return pipeline(
        "- run: echo \"token $API_TOKEN\" && mkdir -p out && cp app.py out/", "python3 app.py");
  }

  @Test
  void everyEventIsRecordedOnceInOrderThroughAnOutageWithTagsAndWithoutSecrets() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", goodPipeline());
    RevCommit good = loop.commit("tiny: first version");
    loop.push(good);
    loop.start();
    assertProduction(loop.awaitRun(good)).isEqualTo("deployed");

    loop.write(
        "cairn.yml",
        pipeline(
            "- run: echo \"token $API_TOKEN\"; echo \"no build, $API_TOKEN\" >&2; exit 1",
            "python3 app.py"));
    RevCommit broken = loop.commit("tiny: a build that fails");
    loop.push(broken);
    assertThat(loop.awaitRun(broken).status()).isEqualTo("FAILED");

    loop.write(
        "cairn.yml",
        pipeline(
            "- run: echo \"token $API_TOKEN\" && mkdir -p out && cp app.py out/",
            "echo $API_TOKEN; exit 3"));
    RevCommit crashing = loop.commit("tiny: a start command that exits");
    loop.push(crashing);
    assertProduction(loop.awaitRun(crashing)).isEqualTo("rolled-back");
    await("the records so far are pushed")
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());

    // The remote goes away while the fix deploys: its records wait in the outbox.
    loop.write("cairn.yml", goodPipeline());
    RevCommit fix = loop.commit("tiny: start the server again");
    loop.push(fix);
    loop.awaitRunId(fix);
    Path away = dir.resolve("origin-away.git");
    Files.move(loop.origin, away);
    Outcome fixed = loop.awaitRun(fix);
    assertProduction(fixed).isEqualTo("deployed");
    await("delivery fails while the remote is away")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                loop.cairn().auditStatus().orElseThrow().consecutiveFailures() >= 1
                    && loop.cairn().auditStatus().orElseThrow().pending() >= 1);
    String statusWhileAway = Json.write(loop.cairn().status());
    assertThat(statusWhileAway).contains("\"lastError\"").doesNotContain(CANARY);
    Files.move(away, loop.origin);
    await("the queued records are delivered once the remote is back")
        .atMost(Duration.ofSeconds(120))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());

    // A person rolls production back: the fix is marked bad by them, the good commit returns.
    // The actor is the API token's holder (ada's token), whatever the body claims.
    HttpResponse<String> rollback =
        loop.api("/api/rollback", "{\"environment\": \"production\", \"actor\": \"eve\"}");
    assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(202);
    String rollbackRun = Json.parse(rollback.body()).path("run").asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.outcome(rollbackRun).status().equals("SUCCEEDED"));
    await("every record is pushed")
        .atMost(Duration.ofSeconds(60))
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());

    List<AuditTrails.Entry> entries = AuditTrails.entries(loop.origin);
    List<AuditRecord> records = entries.stream().map(AuditTrails.Entry::record).toList();
    assertThat(new HashSet<>(records.stream().map(AuditRecord::id).toList()))
        .as("no record twice")
        .hasSize(records.size());
    assertThat(eventsOf(records, good, rollbackRun))
        .as("the first deployment")
        .containsExactly(
            "run-started",
            "build-succeeded",
            "deployment-started production",
            "deployed production");
    assertThat(eventsOf(records, broken, null)).containsExactly("run-started", "build-failed");
    assertThat(eventsOf(records, crashing, null))
        .containsExactly(
            "run-started",
            "build-succeeded",
            "deployment-started production",
            "deployment-failed production",
            "rolled-back production",
            "marked-bad production");
    assertThat(eventsOf(records, fix, null))
        .as("the deployment during the outage, then the manual rollback away from it")
        .containsExactly(
            "run-started",
            "build-succeeded",
            "deployment-started production",
            "deployed production",
            "manual-action production",
            "marked-bad production");

    AuditRecord buildFailed = only(records, broken, AuditEvent.BUILD_FAILED);
    assertThat(buildFailed.error().name()).isEqualTo("Cairn.BuildFailed");
    assertThat(buildFailed.trigger().kind()).isEqualTo(AuditTrigger.Kind.PUSH);
    assertThat(buildFailed.duration()).isNotNull();
    AuditRecord rolledBack = only(records, crashing, AuditEvent.ROLLED_BACK);
    assertThat(rolledBack.rolledBackTo()).isEqualTo(good.getName());
    assertThat(rolledBack.trigger().kind()).isEqualTo(AuditTrigger.Kind.AUTOMATIC);
    assertThat(rolledBack.error().name()).isEqualTo("Cairn.Unhealthy");
    AuditRecord deployedFix = only(records, fix, AuditEvent.DEPLOYED);
    assertThat(deployedFix.previousRelease()).isEqualTo(good.getName());
    assertThat(deployedFix.artifact()).startsWith("sha256:");
    assertThat(deployedFix.tree()).isEqualTo(fix.getTree().getName());
    assertThat(deployedFix.cairnVersion()).isNotBlank();
    AuditRecord manual = only(records, fix, AuditEvent.MANUAL_ACTION);
    assertThat(manual.action()).isEqualTo("rollback");
    assertThat(manual.trigger()).isEqualTo(AuditTrigger.manual("ada"));
    assertThat(manual.rolledBackTo()).isEqualTo(good.getName());
    assertThat(only(records, fix, AuditEvent.MARKED_BAD).trigger())
        .isEqualTo(AuditTrigger.manual("ada"));
    List<AuditRecord> goodAgain =
        records.stream()
            .filter(r -> rollbackRun.equals(r.run()) && r.commit().equals(good.getName()))
            .toList();
    assertThat(goodAgain)
        .extracting(r -> r.event().wireName())
        .containsExactly("run-started", "build-succeeded", "deployment-started", "deployed");
    assertThat(goodAgain).allMatch(r -> r.trigger().equals(AuditTrigger.manual("ada")));

    // One release tag per deployment, on the deployed commit.
    Map<String, String> tags = AuditTrails.tags(loop.origin, "cairn/production/");
    assertThat(tags.values())
        .containsExactlyInAnyOrder(good.getName(), fix.getName(), good.getName());
    records.stream()
        .filter(r -> r.event() == AuditEvent.DEPLOYED)
        .forEach(r -> assertThat(tags).containsEntry(r.releaseTag(), r.commit()));
    assertThat(AuditTrails.note(loop.origin, fix.getName()))
        .contains("production: marked-bad")
        .contains("build: build-succeeded");

    // The canary is nowhere: records, messages, notes, tags, status.
    for (AuditTrails.Entry entry : entries) {
      assertThat(entry.file()).doesNotContain(CANARY);
      assertThat(entry.message()).doesNotContain(CANARY);
    }
    assertThat(AuditTrails.notesAndTags(loop.origin)).doesNotContain(CANARY);
    assertThat(Json.write(loop.cairn().status())).doesNotContain(CANARY);
    assertThat(Files.readString(loop.home.resolve("audit").resolve("status.json")))
        .doesNotContain(CANARY);
  }

  /**
   * "event environment" of a commit's records in trail order, leaving out the runs of {@code
   * exceptRun}.
   */
  private static List<String> eventsOf(
      List<AuditRecord> records, RevCommit commit, String exceptRun) {
    return records.stream()
        .filter(r -> r.commit().equals(commit.getName()))
        .filter(r -> exceptRun == null || !exceptRun.equals(r.run()))
        .map(r -> r.event().wireName() + (r.environment() == null ? "" : " " + r.environment()))
        .toList();
  }

  private static AuditRecord only(List<AuditRecord> records, RevCommit commit, AuditEvent event) {
    List<AuditRecord> found =
        records.stream()
            .filter(r -> r.commit().equals(commit.getName()) && r.event() == event)
            .toList();
    assertThat(found).as(event + " of " + commit.getName()).hasSize(1);
    return found.get(0);
  }
}
