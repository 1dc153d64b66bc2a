package dev.cairn.aws.lambda.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.aws.lambda.audit.AuditNotDeliveredException;
import dev.cairn.aws.lambda.plan.PlanHandler;
import dev.cairn.aws.lambda.queue.DeployQueueHandler;
import dev.cairn.aws.lambda.queue.RecordingTokens;
import dev.cairn.aws.lambda.testing.FunctionRuntimes;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.lambda.testing.TestRepositories;
import dev.cairn.aws.lambda.validate.ValidateHandler;
import dev.cairn.aws.state.S3AuditOutbox;
import dev.cairn.aws.state.S3EnvironmentStore;
import dev.cairn.aws.state.S3RunStore;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RunFacts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * cairn-validate, cairn-queue, cairn-plan and cairn-record over the core runtime, on S3 (S3Mock)
 * and a git host over HTTP: the run's facts and the environment's state are in S3 under the
 * repository's prefix, the queue's tokens are answered, and the records every step appended reach
 * the trail when the record function delivers them.
 */
class RunFunctionsTest {
  private static final String TOKEN = "ghp_run-functions";
  private static final String PIPELINE =
      """
      name: notes
      build:
        steps:
          - name: package
            run: "true"
        artifact: out.txt
      environments:
        - name: production
          app:
            start: ./run
            port: 8080
          health: {path: /health}
      """;

  @TempDir Path dir;
  private final String bucket = "cairn-run-" + UUID.randomUUID().toString().substring(0, 8);
  private S3Client s3;
  private GitHttpServer git;
  private String remote;
  private String commit;
  private RecordingTokens tokens;

  @BeforeEach
  void setUp() throws Exception {
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    git = GitHttpServer.start(TOKEN);
    Path bare = dir.resolve("notes.git");
    commit =
        TestRepositories.bareWithCommits(bare, dir.resolve("w"), Map.of("a", "a"), "one").get(0);
    remote = git.serve("notes", bare);
    tokens = new RecordingTokens();
  }

  @AfterEach
  void tearDown() {
    git.close();
    s3.close();
  }

  /** A function without the git token (validate, plan). */
  private PipelineRuntime plain(Map<String, String> extra) {
    return FunctionRuntimes.runtime(
        FunctionRuntimes.settings(bucket, dir.resolve("plain"), null, extra), s3, tokens, null);
  }

  /**
   * The queue function as the stack configures it: no git remote, no token; every secret store it
   * could reach fails the test (its role may read no secret).
   */
  private PipelineRuntime queueFunction() {
    return FunctionRuntime.create(
        FunctionRuntimes.settings(bucket, dir.resolve("queue"), null, Map.of()),
        s3,
        tokens,
        NO_SECRET_ACCESS,
        NO_SECRET_ACCESS,
        null,
        Clock.systemUTC());
  }

  /** What a role without {@code secretsmanager:GetSecretValue} gets: nothing, ever. */
  private static final SecretStore NO_SECRET_ACCESS =
      new SecretStore() {
        @Override
        public Optional<String> get(String name) {
          throw new AssertionError("the queue function read the secret " + name);
        }

        @Override
        public void put(String name, String value) {
          throw new AssertionError("the queue function stored the secret " + name);
        }

        @Override
        public String getOrGenerate(String name) {
          throw new AssertionError("the queue function read the secret " + name);
        }

        @Override
        public Set<String> values() {
          throw new AssertionError("the queue function listed the secrets");
        }
      };

  /** The record function: it alone has the git token. */
  private PipelineRuntime withTrail(String token) {
    return FunctionRuntimes.runtime(
        FunctionRuntimes.settings(bucket, dir.resolve("trail"), remote, Map.of()),
        s3,
        tokens,
        token);
  }

  private String validate(String id, String commitId) {
    new ValidateHandler(plain(Map.of()))
        .validate(
            Json.parse(
                "{\"run\":{\"id\":\""
                    + id
                    + "\",\"commit\":\""
                    + commitId
                    + "\",\"message\":\"one\",\"trigger\":\"push\",\"repository\":\"o/notes\"}}"));
    return id;
  }

  /** A validated and built run, as the runner's build job leaves it. */
  private void built(String id, String commitId) {
    validate(id, commitId);
    new S3RunStore(s3, bucket, "notes/")
        .update(id, f -> f.withPipelineFile(PIPELINE).withArtifact("sha256:" + "5".repeat(64)));
  }

  private List<TrailEntry> trail() throws Exception {
    return new TrailLastGood(
            dir.resolve("reader-" + UUID.randomUUID()),
            () -> new RemoteCredentials("x", TOKEN),
            Duration.ofSeconds(10))
        .entries(remote);
  }

  private List<String> outbox() {
    return s3
        .listObjectsV2Paginator(b -> b.bucket(bucket).prefix("notes/audit/outbox/"))
        .contents()
        .stream()
        .map(S3Object::key)
        .toList();
  }

  @Test
  void validateStoresTheRunUnderThePrefixAndRejectsABadOne() {
    validate("d1", commit);

    RunFacts facts = new S3RunStore(s3, bucket, "notes/").get("d1");
    assertThat(facts.commit()).isEqualTo(commit);
    assertThat(facts.repository()).isEqualTo("o/notes");
    assertThat(facts.message()).isEqualTo("one");
    assertThat(outbox()).hasSize(1);
    assertThatThrownBy(
            () ->
                new ValidateHandler(plain(Map.of()))
                    .validate(Json.parse("{\"run\":{\"id\":\"d2\",\"commit\":\"main\"}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no full commit id");
  }

  @Test
  void aManualRunNamesItsEnvironmentAndAnActionTheValidatorKnows() {
    ValidateHandler validate = new ValidateHandler(plain(Map.of()));
    String manual = "{\"run\":{\"id\":\"m1\",\"commit\":\"" + commit + "\",\"trigger\":\"manual\"";

    assertThatThrownBy(() -> validate.validate(Json.parse(manual + ",\"action\":\"deploy\"}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an environment name is required");
    assertThatThrownBy(
            () ->
                validate.validate(
                    Json.parse(manual + ",\"environment\":\"production\",\"action\":\"undo\"}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deploy or rollback, not \"undo\"");
    // Nothing deployed yet: a rollback has nothing to return to.
    assertThatThrownBy(
            () ->
                validate.validate(
                    Json.parse(
                        "{\"run\":{\"id\":\"m2\",\"trigger\":\"manual\","
                            + "\"environment\":\"production\",\"action\":\"rollback\"}}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no earlier good release of production");
    assertThat(new S3RunStore(s3, bucket, "notes/").find("m1")).isEmpty();
    assertThat(outbox()).isEmpty();

    validate.validate(Json.parse(manual + ",\"environment\":\"production\"}}"));

    RunFacts facts = new S3RunStore(s3, bucket, "notes/").get("m1");
    assertThat(facts.trigger()).isEqualTo(RunFacts.Trigger.MANUAL);
    assertThat(facts.onlyEnvironment()).isEqualTo("production");
    // run-started, then the manual action (a deploy unless it says otherwise).
    assertThat(outbox()).hasSize(2);
  }

  @Test
  void validateNumbersEachRunOnceForTheDeployQueue() {
    ValidateHandler validate = new ValidateHandler(plain(Map.of()));
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
    assertThat(new S3RunStore(s3, bucket, "notes/").get("n2").sequence()).isEqualTo(2);
  }

  @Test
  void planNamesTheStackAndTheReleaseItReplaces() {
    built("p1", commit);
    S3EnvironmentStore.forFunctions(s3, bucket, "notes/")
        .update(
            "production",
            s ->
                s.withLastGood(
                    new EnvironmentState.LastGood("c".repeat(40), "sha256:1", "", "p0"), 0));

    var plan =
        new PlanHandler(plain(Map.of(LambdaSettings.STACK_PREFIX, "notes-")))
            .plan(Json.parse("{\"run\":{\"id\":\"p1\"},\"environment\":\"production\"}"));

    assertThat(plan.path("stack").asText()).isEqualTo("notes-production");
    assertThat(plan.path("replaces").asText()).isEqualTo("c".repeat(40));
    assertThat(plan.path("commit").asText()).isEqualTo(commit);
    assertThat(
            new S3RunStore(s3, bucket, "notes/")
                .get("p1")
                .deployment("production")
                .previousRelease())
        .isEqualTo("c".repeat(40));
    assertThatThrownBy(
            () ->
                new PlanHandler(plain(Map.of()))
                    .plan(Json.parse("{\"run\":{\"id\":\"p1\"},\"environment\":\"../x\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void recordDeliversEveryRecordOfTheRunAndReleasesTheSlotToTheNextRun() throws Exception {
    built("d1", commit);
    built("d2", "f".repeat(40));
    PipelineRuntime queue = queueFunction();
    DeployQueueHandler handler = new DeployQueueHandler(queue);
    var first =
        handler.enqueue(
            Json.parse(
                "{\"run\":{\"id\":\"d1\"},\"environment\":\"production\",\"token\":\"token-1\"}"));
    handler.enqueue(
        Json.parse(
            "{\"run\":{\"id\":\"d2\"},\"environment\":\"production\",\"token\":\"token-2\"}"));
    new PlanHandler(plain(Map.of()))
        .plan(Json.parse("{\"run\":{\"id\":\"d1\"},\"environment\":\"production\"}"));
    PipelineRuntime record = withTrail(TOKEN);

    var result =
        new RecordHandler(record, record.ports().audit())
            .record(
                Json.parse(
                    "{\"run\":{\"id\":\"d1\"},\"environment\":\"production\","
                        + "\"outcome\":\"deployed\"}"));

    assertThat(first.toString()).doesNotContain("token-1").contains("d1: granted");
    assertThat(result.path("recorded").asText()).isEqualTo("deployed");
    assertThat(tokens.granted()).containsExactly("token-1", "token-2");
    EnvironmentState state =
        S3EnvironmentStore.forFunctions(s3, bucket, "notes/").read("production");
    assertThat(state.holder().orElseThrow().run()).isEqualTo("d2");
    assertThat(new S3RunStore(s3, bucket, "notes/").get("d1").deployment("production").outcome())
        .isEqualTo("deployed");
    // Run started (twice), deployment started, deployed: all on the trail, the outbox empty.
    assertThat(trail())
        .extracting(TrailEntry::event)
        .contains(AuditEvent.RUN_STARTED, AuditEvent.DEPLOYMENT_STARTED, AuditEvent.DEPLOYED);
    assertThat(trail().stream().filter(e -> e.event() == AuditEvent.DEPLOYED).findFirst())
        .get()
        .extracting(TrailEntry::artifact)
        .isEqualTo("sha256:" + "5".repeat(64));
    assertThat(outbox()).isEmpty();
  }

  @Test
  void recordsTheGitHostRefusesStayInS3AndFailTheInvocation() throws Exception {
    built("d4", commit);
    PipelineRuntime record = withTrail("ghp_wrong");
    RecordHandler handler = new RecordHandler(record, record.ports().audit());
    String payload =
        "{\"run\":{\"id\":\"d4\"},\"environment\":\"production\",\"outcome\":\"skipped\"}";

    assertThatThrownBy(() -> handler.record(Json.parse(payload)))
        .isInstanceOf(AuditNotDeliveredException.class)
        .hasMessageNotContaining("ghp_wrong");
    assertThat(outbox()).hasSize(2);

    // The retry, once the token is right, delivers them in order.
    PipelineRuntime retried = withTrail(TOKEN);
    new RecordHandler(retried, retried.ports().audit()).record(Json.parse(payload));
    assertThat(outbox()).isEmpty();
    assertThat(trail())
        .extracting(TrailEntry::event)
        .containsExactly(AuditEvent.RUN_STARTED, AuditEvent.SUPERSEDED);
    assertThatThrownBy(
            () -> handler.record(Json.parse("{\"run\":{\"id\":\"d4\"},\"outcome\":\"exploded\"}")))
        .hasMessageContaining("unknown outcome 'exploded'");
  }

  /**
   * Finding 13: the queue reads no git token. A commit marked bad on the trail is still never
   * deployed: the record function writes every bad mark it delivers into the environment's state in
   * S3 — before the push, so a mark the git host refused is in the state already — and the queue
   * decides from that state alone.
   */
  @Test
  void aCommitMarkedBadOnTheTrailIsSkippedByTheQueueWhichReadsNoSecret() throws Exception {
    built("q0", commit);
    // A mark on its way to the trail that the environment's state does not hold (here: written by
    // no step of this bucket; on AWS, the runner's rollback job or a ledger lost meanwhile).
    new S3AuditOutbox(s3, bucket, "notes/", S3AuditOutbox.Delivery.NONE, Clock.systemUTC())
        .append(
            AuditRecord.builder()
                .id(AuditRecord.newId(Clock.systemUTC()))
                .event(AuditEvent.MARKED_BAD)
                .occurredAt(java.time.Instant.now())
                .run("q0")
                .trigger(AuditTrigger.manual("ada"))
                .commit(commit)
                .environment("production")
                .cairnVersion("test")
                .build());
    S3EnvironmentStore states = S3EnvironmentStore.forFunctions(s3, bucket, "notes/");
    assertThat(states.read("production").isBad(commit)).isFalse();
    String payload =
        "{\"run\":{\"id\":\"q0\"},\"environment\":\"production\",\"outcome\":\"skipped\"}";

    // The git host refuses the push: the mark is in the state anyway, the records wait in S3.
    PipelineRuntime refused = withTrail("ghp_wrong");
    assertThatThrownBy(
            () -> new RecordHandler(refused, refused.ports().audit()).record(Json.parse(payload)))
        .isInstanceOf(AuditNotDeliveredException.class);
    assertThat(states.read("production").isBad(commit)).isTrue();
    assertThat(outbox()).isNotEmpty();
    // The retry delivers them: state and trail agree.
    PipelineRuntime record = withTrail(TOKEN);
    new RecordHandler(record, record.ports().audit()).record(Json.parse(payload));
    assertThat(outbox()).isEmpty();
    assertThat(trail())
        .anySatisfy(
            e -> {
              assertThat(e.event()).isEqualTo(AuditEvent.MARKED_BAD);
              assertThat(e.commit()).isEqualTo(commit);
            });

    // A later push of the same commit reaches the queue, which has no token: skipped.
    built("q1", commit);
    var answered =
        new DeployQueueHandler(queueFunction())
            .enqueue(
                Json.parse(
                    "{\"run\":{\"id\":\"q1\"},\"environment\":\"production\","
                        + "\"token\":\"token-q1\"}"));

    assertThat(answered.path("answered").toString()).contains("q1: skipped");
    assertThat(tokens.failed("Cairn.Skipped")).contains("token-q1");
    assertThat(tokens.granted()).doesNotContain("token-q1");
  }
}
