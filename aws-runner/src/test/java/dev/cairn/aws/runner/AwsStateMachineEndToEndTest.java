package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.batch.BuildHandOff;
import dev.cairn.aws.lambda.audit.AuditWriterHandler;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.StatusMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * What only the AWS runtime has, on the compiled state machine ({@link EmulatedAws}: Cairn's
 * engine, the Lambda handlers and the runner against the emulators): the artifact and the build log
 * in S3, status messages on SQS, the records on the git host's {@code cairn/audit} branch through
 * the S3 outbox, the deploy queue's task tokens answered through the engine, and the git token kept
 * out of the jobs' output. What a run does (deploy, failed build, rollback, superseded runs, manual
 * actions, revert) is the behaviour suite's, which runs on AWS as {@link AwsBehaviourTest}.
 */
@ExtendWith(MotoExtension.class)
class AwsStateMachineEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private EmulatedAws aws;
  private Git work;
  private int appPort;
  private TrailLastGood trail;
  private final List<StatusMessage> statuses = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    appPort = freePort();
    aws = new EmulatedAws(dir, "octo/tiny");
    work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
    work.remoteAdd().setName("origin").setUri(new URIish(aws.bare.toUri().toString())).call();
    trail =
        new TrailLastGood(dir.resolve("trail-cache.git"), aws.credentials, Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() {
    if (aws != null) {
      aws.close();
    }
    if (work != null) {
      work.close();
    }
  }

  // ---------------------------------------------------------------- the application

  private static final String APP =
      """
      import http.server, os
      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              status = 200
              body = os.environ.get("CAIRN_COMMIT", "?").encode()
              self.send_response(status)
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)
          def log_message(self, *args):
              pass
      http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  private String pipelineFile() {
    return """
        name: tiny
        build:
          steps:
            - name: package
              run: sh build.sh
          artifact: out/
        environments:
          - name: production
            app:
              start: python3 app.py
              port: %d
              start-timeout: 30s
              env:
                CAIRN_COMMIT: "${commit}"
            health: {path: /health, interval: 100ms, failure-threshold: 3}
            bake: 0s
        """
        .formatted(appPort);
  }

  private static final String GOOD_BUILD = "mkdir -p out && cp app.py out/\n";

  private RevCommit commit(String message, String buildScript) throws Exception {
    Path root = work.getRepository().getWorkTree().toPath();
    Files.writeString(root.resolve("cairn.yml"), pipelineFile());
    Files.writeString(root.resolve("app.py"), APP);
    Files.writeString(root.resolve("build.sh"), buildScript);
    Files.writeString(root.resolve("notes.txt"), message + "\n");
    work.add().addFilepattern(".").call();
    work.add().addFilepattern(".").setUpdate(true).call();
    RevCommit commit =
        work.commit()
            .setMessage(message)
            .setAuthor("Dev", "dev@example.com")
            .setCommitter("Dev", "dev@example.com")
            .setSign(false)
            .call();
    work.push().setRemote("origin").add("main").call();
    return commit;
  }

  /** Runs one commit through the compiled state machine, as the EventBridge rule would start it. */
  private ExecutionDescription runThrough(RevCommit commit, int number) throws Exception {
    ObjectNode input = Json.object();
    ObjectNode run = input.putObject("run");
    run.put("id", runId(commit, number));
    run.put("commit", commit.getName());
    run.put("message", commit.getShortMessage());
    run.put("trigger", "push");
    run.put("pusher", "dev");
    return aws.completion(
        aws.start(
            PipelineCompiler.compile(PipelineFileParser.parse("cairn.yml", pipelineFile())),
            "tiny",
            runId(commit, number),
            input));
  }

  private static String runId(RevCommit commit, int number) {
    return String.format("%06d-%s", number, commit.getName().substring(0, 7));
  }

  private String served() throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/")).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Reads the status queue until {@code predicate} has matched a message. */
  private StatusMessage awaitStatus(Predicate<StatusMessage> predicate) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (Message m :
                  aws.sqs
                      .receiveMessage(b -> b.queueUrl(aws.queueUrl).maxNumberOfMessages(10))
                      .messages()) {
                statuses.add(SqsStatusPublisher.parse(m));
                aws.sqs.deleteMessage(
                    b -> b.queueUrl(aws.queueUrl).receiptHandle(m.receiptHandle()));
              }
              return statuses.stream().anyMatch(predicate);
            });
    return statuses.stream().filter(predicate).findFirst().orElseThrow();
  }

  private List<TrailEntry> trailRecords() throws IOException {
    return trail.entries(aws.remote);
  }

  private List<String> keys(String prefix) {
    return aws.s3.listObjectsV2(b -> b.bucket(aws.bucket).prefix(prefix)).contents().stream()
        .map(o -> o.key())
        .toList();
  }

  /** A stable port as a user would choose one: below the ephemeral range (LoopbackPorts). */
  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }

  // ---------------------------------------------------------------- the test

  @Test
  void aDeployAndAFailedBuildLeaveArtifactsLogsStatusesAndRecordsWhereAwsKeepsThem()
      throws Exception {
    // 1. A good commit: built, deployed, verified, recorded.
    RevCommit good = commit("first release", GOOD_BUILD);
    ExecutionDescription first = runThrough(good, 1);

    assertThat(first.status())
        .as(String.valueOf(first.cause()))
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    String artifact = aws.runs.get(runId(good, 1)).artifact();
    assertThat(artifact).startsWith("sha256:");
    assertThat(aws.artifacts.contains(artifact)).isTrue();
    aws.s3.headObject(b -> b.bucket(aws.bucket).key(aws.artifacts.objectKey(artifact)));
    aws.s3.headObject(b -> b.bucket(aws.bucket).key("logs/" + runId(good, 1) + "/build.log"));
    assertThat(served()).isEqualTo(good.getName());
    // The build ran in a build job of its own: the privileged runner stored what it uploaded by
    // digest (above), the hand-off is gone, and the build job used only what its role allows.
    assertThat(keys(BuildHandOff.SOURCES)).isEmpty();
    assertThat(keys(BuildHandOff.UPLOADS)).isEmpty();
    assertThat(aws.buildJobs.refused()).isEmpty();
    // The build job's output, read back as Batch's log stream would be.
    assertThat(aws.output.toString(StandardCharsets.UTF_8))
        .contains("[build-output] [cairn] 1 step succeeded");
    awaitStatus(
        s ->
            s.commit().equals(good.getName())
                && "production".equals(s.environment())
                && s.state() == StatusMessage.State.SUCCESS);
    assertThat(trailRecords())
        .anySatisfy(
            r -> {
              assertThat(r.event()).isEqualTo(AuditEvent.DEPLOYED);
              assertThat(r.commit()).isEqualTo(good.getName());
              assertThat(r.artifact()).isEqualTo(artifact);
            });

    // 2. A broken build: the execution fails, production keeps serving the good release.
    RevCommit broken = commit("broken build", "echo compiling; exit 1\n");
    ExecutionDescription second = runThrough(broken, 2);

    assertThat(second.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(second.error()).isEqualTo("Cairn.BuildFailed");
    assertThat(served()).isEqualTo(good.getName());
    StatusMessage buildFailed =
        awaitStatus(
            s -> s.commit().equals(broken.getName()) && s.state() == StatusMessage.State.FAILURE);
    assertThat(buildFailed.environment()).isNull();
    // The build job's own reason, handed back through its result, not Batch's exit code.
    assertThat(buildFailed.description()).contains("exited with 1");
    assertThat(keys(BuildHandOff.UPLOADS)).isEmpty();
    assertThat(aws.runs.get(runId(broken, 2)).artifact()).isNull();
    // Every record the steps wrote reached the trail through the outbox, in order, once.
    assertThat(trailRecords())
        .extracting(r -> r.event().wireName())
        .containsExactly(
            "run-started",
            "build-succeeded",
            "deployment-started",
            "deployed",
            "run-started",
            "build-failed");
    assertThat(aws.outbox.status().delivered()).isTrue();
    // The queue granted the run that reached it through its task token, and is free again.
    assertThat(aws.answered("granted")).hasSize(1);
    assertThat(aws.environments.read("production").holder()).isEmpty();
    // Secrets never reached the job output or the results.
    assertThat(aws.output.toString(StandardCharsets.UTF_8)).doesNotContain(EmulatedAws.TOKEN);
  }

  /**
   * Finding 13: the queue function has no git token, yet a commit marked bad on the trail by
   * another writer (a person's {@code mark-bad}, or a mark made while the bucket's state was lost)
   * is never deployed: the privileged runner's build job brings the environment's state in S3 up to
   * date with the trail, and the queue skips the commit from that state alone.
   */
  @Test
  void aCommitMarkedBadOnlyOnTheTrailIsSkippedByTheQueue() throws Exception {
    RevCommit marked = commit("marked bad elsewhere", GOOD_BUILD);
    String older = "e".repeat(40);
    // The bucket's state of production exists but is stale: it knows another bad commit only.
    aws.environments.update("production", state -> state.withBad(older));
    new AuditWriterHandler(
            aws.secrets,
            new AuditWriterHandler.Config(
                aws.remote, "git-token", dir.resolve("another-writer"), Duration.ofSeconds(10)))
        .writeAll(
            List.of(
                AuditRecord.builder()
                    .id(AuditRecord.newId(Clock.systemUTC()))
                    .event(AuditEvent.MARKED_BAD)
                    .occurredAt(Instant.now())
                    .run("elsewhere")
                    .trigger(AuditTrigger.manual("ada"))
                    .commit(marked.getName())
                    .environment("production")
                    .cairnVersion("test")
                    .build()),
            aws.repository);
    assertThat(aws.environments.read("production").isBad(marked.getName())).isFalse();

    ExecutionDescription run = runThrough(marked, 1);

    assertThat(run.status()).as(String.valueOf(run.cause())).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(aws.output.toString(StandardCharsets.UTF_8))
        .contains("[recovered production] its state brought up to date from the trail");
    assertThat(aws.answered("granted")).isEmpty();
    assertThat(aws.answered("Cairn.Skipped"))
        .singleElement()
        .satisfies(a -> assertThat(a[2]).contains("is marked bad in production"));
    var production = aws.environments.read("production");
    assertThat(production.bad()).containsExactly(older, marked.getName());
    assertThat(production.lastGood()).isEmpty();
    assertThat(trailRecords())
        .extracting(r -> r.event().wireName())
        .containsExactly("marked-bad", "run-started", "build-succeeded", "skipped-bad");
  }
}
