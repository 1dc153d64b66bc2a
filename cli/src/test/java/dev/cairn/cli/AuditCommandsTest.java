package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.git.audit.GitAuditLog;
import dev.cairn.pipeline.audit.AuditError;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** history, show, metrics and audit verify as a user runs them, on a trail written by Cairn. */
class AuditCommandsTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
  private static final String A = "a1".repeat(20);
  private static final String B = "b2".repeat(20);
  private static final String C = "c3".repeat(20);

  @TempDir Path dir;
  private Path origin;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;
  private final List<AuditRecord> written = new ArrayList<>();
  private int writers;

  @BeforeAll
  static void isolateFromUserGitConfig() {
    SystemReader.setInstance(
        new SystemReader.Delegate(SystemReader.getInstance()) {
          @Override
          public FileBasedConfig openUserConfig(Config parent, FS fs) {
            return empty(parent, fs);
          }

          @Override
          public FileBasedConfig openSystemConfig(Config parent, FS fs) {
            return empty(parent, fs);
          }

          @Override
          public FileBasedConfig openJGitConfig(Config parent, FS fs) {
            return empty(parent, fs);
          }
        });
  }

  private static FileBasedConfig empty(Config parent, FS fs) {
    return new FileBasedConfig(parent, null, fs) {
      @Override
      public void load() {}

      @Override
      public boolean isOutdated() {
        return false;
      }
    };
  }

  @BeforeEach
  void setUp() throws Exception {
    System.setProperty("cairn.home", dir.resolve("home").toString());
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    origin = dir.resolve("origin.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call().close();
    deliver(
        record(AuditEvent.RUN_STARTED, A, null, 0).build(),
        record(AuditEvent.BUILD_SUCCEEDED, A, null, 60).build(),
        record(AuditEvent.DEPLOYED, A, "production", 120)
            .committedAt(T0.minusSeconds(3600))
            .build(),
        record(AuditEvent.RUN_STARTED, B, null, 600).run("r-b").build(),
        record(AuditEvent.DEPLOYMENT_FAILED, B, "production", 700)
            .run("r-b")
            .error(new AuditError("Cairn.HealthCheckFailed", "no answer on /health"))
            .build(),
        record(AuditEvent.ROLLED_BACK, B, "production", 701).run("r-b").rolledBackTo(A).build(),
        record(AuditEvent.DEPLOYED, C, "production", 4300)
            .run("r-c")
            .committedAt(T0.plusSeconds(4000))
            .build(),
        record(AuditEvent.DEPLOYED, C, "staging", 4200).run("r-c").build());
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
    System.clearProperty("cairn.home");
  }

  @Test
  void historyPrintsTheDeploymentLogNewestFirstAndFilters() throws Exception {
    assertThat(cairn("history", "--repo", origin.toString())).isZero();
    List<String> lines = stdout().lines().toList();
    assertThat(lines.get(0)).startsWith("WHEN (UTC)").contains("ENVIRONMENT").contains("EVENT");
    assertThat(lines).hasSize(9);
    assertThat(lines.get(1))
        .startsWith("2026-11-20 11:10:00  staging ")
        .contains("deployed")
        .contains("c3c3c3c");
    assertThat(lines.get(4))
        .contains("production")
        .contains("deployment-failed")
        .contains("b2b2b2b")
        .contains("failed after 1.0s: Cairn.HealthCheckFailed")
        .doesNotContain("production: ");

    out.reset();
    assertThat(cairn("history", "--repo", origin.toString(), "--env", "production", "--json"))
        .isZero();
    JsonNode array = Json.parse(stdout());
    assertThat(array.size()).isEqualTo(4);
    assertThat(array.get(0).path("commit").asText()).isEqualTo(C);
    assertThat(array.get(0).path("committedAt").asText()).isEqualTo("2026-11-20T11:06:40Z");
    assertThat(array.get(3).path("event").asText()).isEqualTo("deployed");
    assertThat(array.get(2).path("error").asText()).isEqualTo("Cairn.HealthCheckFailed");

    out.reset();
    assertThat(cairn("history", "--repo", origin.toString(), "--commit", "b2b2b2", "--limit", "2"))
        .isZero();
    assertThat(stdout().lines().skip(1).toList())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("b2b2b2b"));

    assertThat(cairn("history", "--repo", origin.toString(), "--event", "exploded")).isEqualTo(2);
    assertThat(stderr()).contains("--event: unknown event 'exploded'").doesNotContain("at dev.");
  }

  @Test
  void everyRecordPrefixHistoryPrintsFindsExactlyThatRecord() throws Exception {
    // Ids are time-ordered: records written within a minute share their first 8 characters.
    assertThat(written.stream().map(r -> r.id().substring(0, 8)).distinct()).hasSizeLessThan(8);
    assertThat(cairn("history", "--repo", origin.toString())).isZero();
    int column = stdout().lines().findFirst().orElseThrow().indexOf("RECORD");
    List<String> prefixes =
        stdout().lines().skip(1).map(l -> l.substring(column).split(" ")[0]).toList();

    assertThat(prefixes).hasSize(written.size()).doesNotHaveDuplicates();
    for (String prefix : prefixes) {
      AuditRecord expected =
          written.stream().filter(r -> r.id().startsWith(prefix)).findFirst().orElseThrow();
      out.reset();
      assertThat(cairn("show", prefix, "--repo", origin.toString()))
          .as("%s: %s", prefix, stderr())
          .isZero();
      assertThat(stdout()).contains("record  " + expected.id());
    }
  }

  @Test
  void showPrintsOneRecordWithItsCommitByIdPrefix() throws Exception {
    AuditRecord failed = written.get(4);

    assertThat(cairn("show", failed.id().substring(0, 30), "--repo", origin.toString())).isZero();

    assertThat(stdout())
        .contains("record  " + failed.id())
        .contains("(unsigned)")
        .contains("file    " + failed.path())
        .contains("    Cairn-Error: Cairn.HealthCheckFailed")
        .contains("\"cause\" : \"no answer on /health\"");
    out.reset();
    assertThat(cairn("show", failed.id(), "--repo", origin.toString(), "--json")).isZero();
    JsonNode shown = Json.parse(stdout());
    assertThat(AuditRecord.fromJsonNode(shown.path("record"))).isEqualTo(failed);
    assertThat(cairn("show", "0000dead", "--repo", origin.toString())).isEqualTo(2);
    assertThat(stderr()).contains("no audit record or audit commit 0000dead");
  }

  @Test
  void metricsComputesTheDoraMeasuresOverThePeriod() throws Exception {
    assertThat(
            cairn(
                "metrics",
                "--repo",
                origin.toString(),
                "--since",
                "2026-11-01",
                "--until",
                "2026-12-01",
                "--env",
                "production",
                "--json"))
        .isZero();
    JsonNode metrics = Json.parse(stdout());
    JsonNode production = metrics.path("environments").get(0);
    assertThat(metrics.path("environments").size()).isEqualTo(1);
    assertThat(production.path("deployments").asInt()).isEqualTo(2);
    assertThat(production.path("deploymentsPerDay").asDouble()).isEqualTo(2 / 30.0);
    // A: committed 1h before it was deployed at +120s; C: committed 300s before.
    assertThat(production.path("leadTime").path("samples").asInt()).isEqualTo(2);
    assertThat(production.path("leadTime").path("medianSeconds").asLong()).isEqualTo(300);
    assertThat(production.path("leadTime").path("p90Seconds").asLong()).isEqualTo(3720);
    assertThat(production.path("changeFailureRate").path("failed").asInt()).isEqualTo(1);
    assertThat(production.path("changeFailureRate").path("changes").asInt()).isEqualTo(3);
    // Failed at +700s, restored by the deployment of C at +4300s.
    assertThat(production.path("timeToRestore").path("medianSeconds").asLong()).isEqualTo(3600);

    out.reset();
    assertThat(cairn("metrics", "--repo", origin.toString(), "--since", "2026-11-01")).isZero();
    assertThat(stdout())
        .contains("production:")
        .contains("staging:")
        .contains("change failure rate    33.3% (1 of 3 changes)")
        .contains("time to restore        median 1h00m (1 restored, 0 still failing)");
    assertThat(cairn("metrics", "--repo", origin.toString(), "--since", "last tuesday"))
        .isEqualTo(2);
    assertThat(stderr()).contains("--since: 'last tuesday' is not a date");
  }

  @Test
  void auditVerifyPassesOnAnIntactTrailAndFailsPreciselyOnceItIsRewritten() throws Exception {
    assertThat(cairn("audit", "verify", "--repo", origin.toString())).isZero();
    assertThat(stdout().strip())
        .startsWith("audit trail intact: 8 records (8 checked in full), 3 runs")
        .contains("tip " + tip());
    String seen = tip();
    deliver(record(AuditEvent.BUILD_SUCCEEDED, C, null, 4400).run("r-c").build());
    out.reset();
    // Only what was added since the last successful verify is read in full.
    assertThat(cairn("audit", "verify", "--repo", origin.toString())).isZero();
    assertThat(stdout()).startsWith("audit trail intact: 9 records (1 checked in full), 3 runs");
    seen = tip();

    rewindTo(2);
    deliver(record(AuditEvent.BUILD_SUCCEEDED, B, null, 9000).build());
    out.reset();

    assertThat(cairn("audit", "verify", "--repo", origin.toString())).isEqualTo(1);
    assertThat(stdout())
        .contains("audit trail NOT intact")
        .contains("history was rewritten: at the last successful verify the branch was at " + seen);
  }

  @Test
  void withoutRepoTheServedRepositoryIsReadAndWithoutOneTheMessageSaysWhatToPass()
      throws Exception {
    assertThat(cairn("history")).isEqualTo(2);
    assertThat(stderr()).contains("no repository is mirrored in").contains("pass --repo PATH|URL");

    // What `cairn serve` leaves behind: the remote it serves.
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("audit"));
    Files.writeString(home.resolve("audit/remote"), origin + "\n");
    out.reset();
    assertThat(cairn("history", "--env", "staging", "--json")).isZero();
    assertThat(Json.parse(stdout()).size()).isEqualTo(1);
    assertThat(Files.isDirectory(home.resolve("audit/trail.git"))).isTrue();
  }

  @Test
  void auditVerifyRequiringSignaturesReportsEveryUnsignedRecord() throws Exception {
    var signer =
        dev.cairn.git.audit.SshAuditSigner.of(
            java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    Path key = Files.writeString(dir.resolve("cairn.pub"), signer.publicKey() + " cairn\n");

    assertThat(
            cairn(
                "audit",
                "verify",
                "--repo",
                origin.toString(),
                "--key",
                key.toString(),
                "--require-signed"))
        .isEqualTo(1);

    assertThat(stdout()).contains("8 problems in 8 records");
    assertThat(stdout().lines().filter(l -> l.endsWith(": not signed"))).hasSize(8);
    assertThat(cairn("audit", "verify", "--repo", origin.toString(), "--require-signed"))
        .isEqualTo(2);
    assertThat(stderr()).contains("--require-signed needs --key FILE");
  }

  @Test
  void aRemoteThatCannotBeReadIsAClearError() {
    assertThat(cairn("history", "--repo", "http://127.0.0.1:1/app.git")).isEqualTo(2);
    assertThat(stderr())
        .contains("Cannot read the audit trail of http://127.0.0.1:1/app.git")
        .doesNotContain("Exception");
  }

  // ---- helpers

  private int cairn(String... args) {
    return CairnCommand.run(args);
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private AuditRecord.Builder record(AuditEvent event, String commit, String env, long at) {
    return AuditRecord.builder()
        .event(event)
        .occurredAt(T0.plusSeconds(at))
        // Only steps have a duration; a run-started or a rollback carries none.
        .duration(
            java.util.Set.of(
                        AuditEvent.BUILD_SUCCEEDED,
                        AuditEvent.BUILD_FAILED,
                        AuditEvent.DEPLOYED,
                        AuditEvent.DEPLOYMENT_FAILED)
                    .contains(event)
                ? java.time.Duration.ofSeconds(1)
                : null)
        .run("r-a")
        .trigger(AuditTrigger.of(AuditTrigger.Kind.PUSH))
        .commit(commit)
        .commitSubject("change " + commit.substring(0, 4))
        .environment(env)
        .cairnVersion("0.1.0-test");
  }

  private void deliver(AuditRecord... records) throws IOException {
    try (GitAuditLog log =
        GitAuditLog.builder()
            .remote(origin)
            .repository(dir.resolve("writer-" + (++writers) + ".git"))
            .outbox(dir.resolve("outbox-" + writers))
            .build()) {
      for (AuditRecord r : records) {
        log.append(r);
        written.add(r);
      }
      assertThat(log.flush().delivered()).isTrue();
    }
  }

  private Repository openOrigin() throws IOException {
    return new FileRepositoryBuilder().setGitDir(origin.toFile()).setMustExist(true).build();
  }

  private String tip() throws IOException {
    try (Repository r = openOrigin()) {
      return r.exactRef(GitAuditLog.BRANCH).getObjectId().getName();
    }
  }

  private void rewindTo(int keep) throws IOException {
    try (Repository r = openOrigin();
        RevWalk walk = new RevWalk(r)) {
      walk.markStart(walk.parseCommit(r.resolve(GitAuditLog.BRANCH)));
      List<RevCommit> all = new ArrayList<>();
      walk.forEach(all::add);
      ObjectId target = all.get(all.size() - keep);
      RefUpdate u = r.updateRef(GitAuditLog.BRANCH);
      u.setNewObjectId(target);
      u.setForceUpdate(true);
      assertThat(u.update()).isEqualTo(RefUpdate.Result.FORCED);
    }
    assertThat(Files.exists(dir.resolve("home/audit/verified"))).isTrue();
  }
}
