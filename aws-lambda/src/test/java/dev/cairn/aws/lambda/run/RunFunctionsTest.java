package dev.cairn.aws.lambda.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.lambda.audit.AuditWriterHandler;
import dev.cairn.aws.lambda.queue.DeployQueue;
import dev.cairn.aws.lambda.queue.QueueState;
import dev.cairn.aws.lambda.queue.RecordingTokens;
import dev.cairn.aws.lambda.queue.RunSequence;
import dev.cairn.aws.lambda.queue.S3QueueStore;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.lambda.testing.MapSecrets;
import dev.cairn.aws.lambda.testing.TestRepositories;
import dev.cairn.aws.lambda.validate.ValidateHandler;
import dev.cairn.aws.run.RunFacts;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.json.Json;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * cairn-validate and cairn-record on S3 (S3Mock) and a git host over HTTP: the run's facts are
 * recorded under the repository's prefix, outcomes become audit records with the facts' artifact.
 */
class RunFunctionsTest {
  private static final String TOKEN = "ghp_run-functions";

  @TempDir Path dir;
  private final String bucket = "cairn-run-" + UUID.randomUUID().toString().substring(0, 8);
  private S3Client s3;
  private RunFacts facts;
  private GitHttpServer git;
  private String remote;
  private String commit;

  @BeforeEach
  void setUp() throws Exception {
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    facts = new RunFacts(s3, bucket, "notes");
    git = GitHttpServer.start(TOKEN);
    Path bare = dir.resolve("notes.git");
    commit =
        TestRepositories.bareWithCommits(bare, dir.resolve("w"), Map.of("a", "a"), "one").get(0);
    remote = git.serve("notes", bare);
  }

  @AfterEach
  void tearDown() {
    git.close();
    s3.close();
  }

  @Test
  void validateRecordsTheRunUnderThePrefixAndRejectsABadOne() {
    new ValidateHandler(facts)
        .validate(
            Json.parse(
                "{\"run\":{\"id\":\"d1\",\"commit\":\""
                    + commit
                    + "\",\"message\":\"one\",\"trigger\":\"push\"}}"));

    assertThat(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key("notes/runs/d1/run.json")).asUtf8String())
        .contains(commit);
    assertThatThrownBy(
            () ->
                new ValidateHandler(facts)
                    .validate(Json.parse("{\"run\":{\"id\":\"d2\",\"commit\":\"main\"}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no full commit id");
  }

  @Test
  void recordAppendsTheOutcomeWithTheRunsArtifact() throws Exception {
    String artifact = "sha256:" + "5".repeat(64);
    facts.update(
        "d1",
        f -> {
          f.put("commit", commit);
          f.put("artifact", artifact);
          f.with("rolledBackTo").put("production", commit);
        });
    RecordHandler record =
        new RecordHandler(
            facts,
            new AuditWriterHandler(
                MapSecrets.of("token", TOKEN),
                new AuditWriterHandler.Config(
                    remote, "token", dir.resolve("tmp"), Duration.ofSeconds(10))),
            Clock.systemUTC());

    var result =
        record.record(
            Json.parse(
                "{\"run\":{\"id\":\"d1\"},\"environment\":\"production\",\"outcome\":\"rolled-back\","
                    + "\"error\":{\"Error\":\"States.TaskFailed\",\"Cause\":\"unhealthy\"}}"));

    assertThat(result.path("recorded").asText()).isEqualTo("rolled-back");
    List<RevCommit> trail =
        TestRepositories.log(dir.resolve("notes.git"), "refs/heads/cairn/audit");
    assertThat(trail).hasSize(1);
    assertThat(trail.get(0).getFullMessage()).contains(result.path("record").asText());
    assertThatThrownBy(
            () -> record.record(Json.parse("{\"run\":{\"id\":\"d1\"},\"outcome\":\"exploded\"}")))
        .hasMessageContaining("unknown outcome 'exploded'");
    TrailEntry written =
        new TrailLastGood(
                dir.resolve("reader"),
                () -> new RemoteCredentials("x", TOKEN),
                Duration.ofSeconds(10))
            .entries(remote)
            .get(0);
    assertThat(written.event()).isEqualTo(AuditEvent.ROLLED_BACK);
    assertThat(written.artifact()).isEqualTo(artifact);
    assertThat(written.rolledBackTo()).isEqualTo(commit);
    assertThat(written.error()).isEqualTo("States.TaskFailed");
  }

  @Test
  void validateNumbersEachRunOnceForTheDeployQueue() {
    ValidateHandler validate = new ValidateHandler(facts, new RunSequence(s3, bucket, "notes"));
    String first = "{\"run\":{\"id\":\"n1\",\"commit\":\"" + commit + "\"}}";

    assertThat(validate.validate(Json.parse(first)).path("sequence").asLong()).isEqualTo(1);
    // A retried validation keeps the run's number.
    assertThat(validate.validate(Json.parse(first)).path("sequence").asLong()).isEqualTo(1);
    assertThat(
            validate
                .validate(Json.parse("{\"run\":{\"id\":\"n2\",\"commit\":\"" + commit + "\"}}"))
                .path("sequence")
                .asLong())
        .isEqualTo(2);
    assertThat(facts.read("n2").orElseThrow().path("sequence").asLong()).isEqualTo(2);
  }

  @Test
  void recordReleasesTheEnvironmentsSlotAndMarksARolledBackCommitBad() throws Exception {
    RecordingTokens tokens = new RecordingTokens();
    DeployQueue queue = new DeployQueue(new S3QueueStore(s3, bucket, "notes"), tokens);
    queue.enqueue("production", new QueueState.Slot("d1", 1, commit, "token-1"), false, false);
    queue.enqueue(
        "production", new QueueState.Slot("d2", 2, "f".repeat(40), "token-2"), false, false);
    facts.update("d1", f -> f.put("commit", commit));
    RecordHandler record =
        new RecordHandler(
            facts,
            new AuditWriterHandler(
                MapSecrets.of("token", TOKEN),
                new AuditWriterHandler.Config(
                    remote, "token", dir.resolve("tmp"), Duration.ofSeconds(10))),
            Clock.systemUTC(),
            queue);

    record.record(
        Json.parse(
            "{\"run\":{\"id\":\"d1\"},\"environment\":\"production\",\"outcome\":\"rolled-back\","
                + "\"error\":{\"Error\":\"States.TaskFailed\",\"Cause\":\"unhealthy\"}}"));

    assertThat(tokens.granted()).containsExactly("token-1", "token-2");
    QueueState state = queue.state("production");
    assertThat(state.holder().orElseThrow().run()).isEqualTo("d2");
    assertThat(state.bad()).containsExactly(commit);
  }

  @Test
  void aSkippedBadCommitIsRecordedAsSkippedNotSuperseded() throws Exception {
    facts.update("d3", f -> f.put("commit", commit));
    RecordHandler record =
        new RecordHandler(
            facts,
            new AuditWriterHandler(
                MapSecrets.of("token", TOKEN),
                new AuditWriterHandler.Config(
                    remote, "token", dir.resolve("tmp"), Duration.ofSeconds(10))),
            Clock.systemUTC());

    record.record(
        Json.parse(
            "{\"run\":{\"id\":\"d3\"},\"environment\":\"production\",\"outcome\":\"skipped\","
                + "\"skipped\":{\"Error\":\"Cairn.Skipped\",\"Cause\":\"commit x is marked bad\"}}"));

    TrailEntry written =
        new TrailLastGood(
                dir.resolve("reader2"),
                () -> new RemoteCredentials("x", TOKEN),
                Duration.ofSeconds(10))
            .entries(remote)
            .get(0);
    assertThat(written.event()).isEqualTo(AuditEvent.SKIPPED_BAD);
    assertThat(written.error()).isEqualTo("Cairn.Skipped");
  }
}
