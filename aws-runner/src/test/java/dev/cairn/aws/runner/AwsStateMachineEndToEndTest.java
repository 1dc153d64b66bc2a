package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.audit.AuditWriterHandler;
import dev.cairn.aws.lambda.plan.PlanHandler;
import dev.cairn.aws.lambda.queue.DeployQueueHandler;
import dev.cairn.aws.lambda.run.RecordHandler;
import dev.cairn.aws.lambda.testing.GitHttpServer;
import dev.cairn.aws.lambda.validate.ValidateHandler;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.state.S3AuditOutbox;
import dev.cairn.aws.state.S3EnvironmentStore;
import dev.cairn.aws.state.S3RunStore;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.LambdaFunctionError;
import dev.cairn.engine.task.LambdaTaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.audit.TrailLastGood;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.runtime.DeployQueue;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.EnvironmentState;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.pipeline.runtime.StatusPublishingListener;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The same JSON, proven here: the state machine the pipeline compiles to (the one Step Functions
 * runs) runs on Cairn's engine with the AWS task integrations served by the AWS runtime's own code
 * against emulators:
 *
 * <ul>
 *   <li>{@code arn:aws:states:::batch:submitJob.sync} runs the runner in-process, as AWS Batch
 *       would run the runner image with the task's Parameters: artifacts, logs and run facts in S3
 *       (S3Mock), secrets in Secrets Manager (moto), status messages on SQS (ElasticMQ), the commit
 *       fetched over smart HTTP with the token from Secrets Manager;
 *   <li>{@code arn:aws:states:::lambda:invoke} invokes the Lambda handlers in-process: {@code
 *       cairn-validate} and {@code cairn-record} (which appends to the git trail over HTTP through
 *       the audit writer); {@code cairn-plan} runs the runner's plan job; {@code cairn-queue} is
 *       the AWS deploy queue ({@code DeployQueueHandler}, state in S3), whose task tokens are
 *       answered through the engine as Step Functions would answer SendTaskSuccess/Failure, and
 *       which {@code cairn-record} releases.
 * </ul>
 *
 * <p>The application target is the process deployer (releases as processes behind a proxy on a
 * loopback port), because ECS cannot run here. Three commits go through: a good one is deployed, a
 * broken build fails without touching production, and a release that fails its bake is rolled back
 * to the last good release, which the rollback job finds in the audit trail.
 */
@ExtendWith(MotoExtension.class)
class AwsStateMachineEndToEndTest {
  private static final String TOKEN = "ghp_e2e-token-0123456789";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String bucket = "cairn-e2e-" + id;
  private GitHttpServer gitHost;
  private Git work;
  private String remote;
  private int appPort;
  private S3Client s3;
  private SqsClient sqs;
  private String queueUrl;
  private S3ArtifactStore artifacts;
  private ProcessDeployer deployer;
  private Engine engine;
  private Runner runner;
  private TrailLastGood trail;
  private S3RunStore facts;
  private S3EnvironmentStore environments;
  private final List<String[]> answers = new CopyOnWriteArrayList<>();

  /**
   * Where the in-process "Lambda" and "Batch" work runs: its own threads, because a held-back job
   * would otherwise block the small common pool the other tasks need.
   */
  private static final java.util.concurrent.ExecutorService WORK =
      java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

  /** Apply jobs held back (as if Batch were slow) until their latch opens, by run id. */
  private final java.util.Map<String, CountDownLatch> heldApplies = new ConcurrentHashMap<>();

  private final List<StatusMessage> statuses = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() throws Exception {
    appPort = freePort();
    Path bare = dir.resolve("tiny.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    gitHost = GitHttpServer.start(TOKEN);
    remote = gitHost.serve("octo/tiny", bare);
    work = Git.init().setInitialBranch("main").setDirectory(dir.resolve("work").toFile()).call();
    work.remoteAdd().setName("origin").setUri(new URIish(bare.toUri().toString())).call();

    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    sqs = EmulatorClients.sqs();
    queueUrl = sqs.createQueue(b -> b.queueName("status-" + id)).queueUrl();
    SecretsManagerSecretStore secrets =
        SecretsManagerSecretStore.builder()
            .client(EmulatorClients.secretsManager())
            .prefix("cairn/e2e-" + id + "/")
            .build();
    secrets.put("git-token", TOKEN);
    Supplier<RemoteCredentials> credentials =
        () -> new RemoteCredentials("x-access-token", secrets.get("git-token").orElseThrow());

    artifacts =
        S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("s3-scratch")).build();
    deployer = new ProcessDeployer(dir.resolve("deployments"), secrets);
    trail = new TrailLastGood(dir.resolve("trail-cache.git"), credentials, Duration.ofSeconds(10));
    RunnerFixture jobs =
        RunnerFixture.of(
            s3,
            bucket,
            artifacts,
            secrets,
            remote,
            credentials,
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            new DeployTarget.Processes(deployer, null),
            new SqsStatusPublisher(sqs, queueUrl),
            dir.resolve("runner"),
            new PrintStream(output, true));
    runner = jobs.runner();
    facts = jobs.runs();
    // The functions see the deploy queue too; the jobs' store sees only the ledger.
    environments = S3EnvironmentStore.forFunctions(s3, bucket, "");

    // The functions: the same runtime over the same bucket, with the queue's tokens answered
    // through the engine (as Step Functions would) and the audit writer delivering the outbox.
    AuditWriterHandler auditWriter =
        new AuditWriterHandler(
            secrets,
            new AuditWriterHandler.Config(
                remote, "git-token", dir.resolve("lambda-tmp"), Duration.ofSeconds(10)));
    S3AuditOutbox outbox =
        new S3AuditOutbox(
            s3,
            bucket,
            "",
            records -> auditWriter.writeAll(records, "octo/tiny"),
            Clock.systemUTC());
    CompletableFuture<Engine> ready = new CompletableFuture<>();
    PipelineRuntime functions =
        new PipelineRuntime(
            RuntimePorts.builder()
                .runs(facts)
                .environments(environments)
                .secrets(secrets)
                .listener(
                    new StatusPublishingListener(
                        new SqsStatusPublisher(sqs, queueUrl), facts, Clock.systemUTC(), x -> {}))
                .audit(outbox)
                .workDirectory(dir.resolve("functions"))
                .cairnVersion("test")
                .build(),
            new EngineTaskTokens(ready, answers),
            DeployQueue.BadCommits.NONE,
            run -> false);
    engine =
        engine(
            new ValidateHandler(functions),
            new PlanHandler(functions),
            new RecordHandler(functions, outbox),
            new DeployQueueHandler(functions),
            ready);
  }

  /**
   * What Step Functions does with a task token, on Cairn's engine: the deploy queue answers the
   * queue state through it as it would through SendTaskSuccess/SendTaskFailure. Every answer is
   * remembered as {run-or-token, error or "granted", cause}.
   */
  private record EngineTaskTokens(CompletableFuture<Engine> engine, List<String[]> answers)
      implements TaskTokens {
    @Override
    public void succeed(String token, JsonNode output) {
      try {
        engine.join().sendTaskSuccess(token, output);
        answers.add(new String[] {token, "granted", ""});
      } catch (IllegalArgumentException e) {
        throw new GoneTokenException("the waiting task is gone", e);
      }
    }

    @Override
    public void fail(String token, String error, String cause) {
      try {
        engine.join().sendTaskFailure(token, error, cause);
        answers.add(new String[] {token, error, cause});
      } catch (IllegalArgumentException e) {
        throw new GoneTokenException("the waiting task is gone", e);
      }
    }
  }

  private List<String[]> answered(String what) {
    return answers.stream().filter(a -> a[1].equals(what)).toList();
  }

  @AfterEach
  void tearDown() {
    heldApplies.values().forEach(CountDownLatch::countDown);
    if (engine != null) {
      engine.close();
    }
    if (deployer != null) {
      for (Release release : deployer.running("production")) {
        deployer.stop(release);
      }
    }
    gitHost.close();
    work.close();
  }

  private Engine engine(
      ValidateHandler validate,
      PlanHandler plan,
      RecordHandler record,
      DeployQueueHandler queueHandler,
      CompletableFuture<Engine> ready) {
    LambdaTaskHandler lambda =
        new LambdaTaskHandler()
            .function(
                PipelineCompiler.VALIDATE, payload -> lambda(() -> validate.validate(payload)))
            .function(PipelineCompiler.RECORD, payload -> lambda(() -> record.record(payload)))
            .function(PipelineCompiler.PLAN, payload -> lambda(() -> plan.plan(payload)))
            .function(
                PipelineCompiler.QUEUE,
                payload ->
                    // As Lambda: the invocation returns; the task ends when the queue answers the
                    // token. A failed invocation fails the task, as on AWS.
                    lambda(() -> queueHandler.enqueue(payload))
                        .whenComplete(
                            (result, failure) -> {
                              if (failure != null) {
                                Throwable cause =
                                    failure.getCause() == null ? failure : failure.getCause();
                                String error =
                                    cause instanceof LambdaFunctionError lambdaError
                                        ? lambdaError.errorType()
                                            + ": "
                                            + lambdaError.errorMessage()
                                        : cause.getClass().getSimpleName();
                                ready
                                    .join()
                                    .sendTaskFailure(
                                        payload.path("token").asText(), "Cairn.QueueFailed", error);
                              }
                            }));
    TaskHandlers handlers = new TaskHandlers();
    handlers.register(PipelineCompiler.BATCH, request -> batch(request.parameters()));
    handlers.register("arn:aws:states:::lambda:invoke*", lambda);
    Engine built =
        Engine.builder().store(new InMemoryExecutionStore()).taskHandlers(handlers).build();
    ready.complete(built);
    return built;
  }

  /** What AWS Batch does for submitJob.sync: runs the runner image with the task's Parameters. */
  private CompletableFuture<JsonNode> batch(JsonNode parameters) {
    JsonNode job = parameters.path("Parameters");
    return supplyAsync(
        () -> {
          CountDownLatch held = heldApplies.get(job.path("run").asText());
          if (held != null && job.path("job").asText().equals("apply")) {
            try {
              held.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          }
          RunnerJob runnerJob =
              new RunnerJob(
                  JobKind.fromWireName(job.path("job").asText()).orElseThrow(),
                  job.path("run").asText(),
                  job.path("environment").asText(""),
                  null,
                  job.path("reason").asText(""));
          return batchOutcome(runner.run(runnerJob));
        });
  }

  /**
   * A runner result as Step Functions sees the Batch job: SUCCEEDED returns the job description; a
   * failed job (exit code 1 or 3) fails the task with {@code States.TaskFailed}.
   */
  private static JsonNode batchOutcome(RunnerResult result) {
    if (result.outcome() == RunnerResult.Outcome.SUCCEEDED) {
      ObjectNode description = Json.object();
      description.put("Status", "SUCCEEDED");
      description.put("JobName", "cairn-" + result.job());
      return description;
    }
    ObjectNode description = Json.object();
    description.put("Status", "FAILED");
    description.put("StatusReason", result.error() + ": " + result.cause());
    description.putObject("Container").put("ExitCode", result.outcome().exitCode());
    throw new StatesException("States.TaskFailed", Json.write(description));
  }

  private static <T> CompletableFuture<T> supplyAsync(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, WORK);
  }

  /** Invokes a handler as Lambda would: an exception becomes the function's error. */
  private static CompletableFuture<JsonNode> lambda(ThrowingSupplier handler) {
    return supplyAsync(
        () -> {
          try {
            return handler.get();
          } catch (Exception e) {
            throw new LambdaFunctionError(
                e.getClass().getSimpleName(), String.valueOf(e.getMessage()), List.of());
          }
        });
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    JsonNode get() throws Exception;
  }

  // ---------------------------------------------------------------- the application

  private static final String APP =
      """
      import http.server, os
      count = 0
      limit = int(open("fail-after").read()) if os.path.exists("fail-after") else -1
      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              global count
              if self.path == "/health":
                  count += 1
                  status = 500 if 0 <= limit < count else 200
              else:
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
            bake: 1s
        """
        .formatted(appPort);
  }

  private static final String GOOD_BUILD =
      "mkdir -p out && cp app.py out/ && if [ -f fail-after ]; then cp fail-after out/; fi\n";

  private RevCommit commit(String message, String buildScript, String failAfter) throws Exception {
    Path root = work.getRepository().getWorkTree().toPath();
    Files.writeString(root.resolve("cairn.yml"), pipelineFile());
    Files.writeString(root.resolve("app.py"), APP);
    Files.writeString(root.resolve("build.sh"), buildScript);
    Files.writeString(root.resolve("notes.txt"), message + "\n");
    if (failAfter == null) {
      Files.deleteIfExists(root.resolve("fail-after"));
    } else {
      Files.writeString(root.resolve("fail-after"), failAfter);
    }
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
    return completion(start(commit, number));
  }

  /** Waits for an execution; on a time-out, says where it stands (its history). */
  private ExecutionDescription completion(String arn) throws Exception {
    try {
      return engine.completion(arn).get(2, TimeUnit.MINUTES);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(
          "execution "
              + arn
              + " did not end; history:\n"
              + String.join("\n", engine.history(arn).stream().map(String::valueOf).toList()),
          e);
    }
  }

  private static String runId(RevCommit commit, int number) {
    return String.format("%06d-%s", number, commit.getName().substring(0, 7));
  }

  /** Starts one commit's execution; returns its ARN. */
  private String start(RevCommit commit, int number) throws Exception {
    String machine =
        Json.write(PipelineCompiler.compile(PipelineFileParser.parse("cairn.yml", pipelineFile())));
    ObjectNode input = Json.object();
    ObjectNode run = input.putObject("run");
    String runId = runId(commit, number);
    run.put("id", runId);
    run.put("commit", commit.getName());
    run.put("message", commit.getShortMessage());
    run.put("trigger", "push");
    run.put("pusher", "dev");
    return engine.start(machine, "tiny", runId, input);
  }

  private String served() throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + "/")).GET().build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Reads the status queue until {@code predicate} has matched a message. */
  private StatusMessage awaitStatus(java.util.function.Predicate<StatusMessage> predicate) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              for (Message m :
                  sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10))
                      .messages()) {
                statuses.add(SqsStatusPublisher.parse(m));
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
              }
              return statuses.stream().anyMatch(predicate);
            });
    return statuses.stream().filter(predicate).findFirst().orElseThrow();
  }

  private List<TrailEntry> trailRecords() throws IOException {
    return trail.entries(remote);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- the test

  @Test
  void aDeployAFailedBuildAndARollbackOnTheCompiledStateMachine() throws Exception {
    // 1. A good commit: built, deployed, verified, recorded.
    RevCommit good = commit("first release", GOOD_BUILD, null);
    ExecutionDescription first = runThrough(good, 1);

    assertThat(first.status())
        .as(String.valueOf(first.cause()))
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    String artifact = facts.get("000001-" + good.getName().substring(0, 7)).artifact();
    assertThat(artifact).startsWith("sha256:");
    assertThat(artifacts.contains(artifact)).isTrue();
    s3.headObject(b -> b.bucket(bucket).key(artifacts.objectKey(artifact)));
    s3.headObject(
        b -> b.bucket(bucket).key("logs/000001-" + good.getName().substring(0, 7) + "/build.log"));
    assertThat(served()).isEqualTo(good.getName());
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
    RevCommit broken = commit("broken build", "echo compiling; exit 1\n", null);
    ExecutionDescription second = runThrough(broken, 2);

    assertThat(second.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(second.error()).isEqualTo("Cairn.BuildFailed");
    assertThat(served()).isEqualTo(good.getName());
    StatusMessage buildFailed =
        awaitStatus(
            s -> s.commit().equals(broken.getName()) && s.state() == StatusMessage.State.FAILURE);
    assertThat(buildFailed.environment()).isNull();
    assertThat(buildFailed.description()).contains("exited with 1");
    assertThat(facts.get("000002-" + broken.getName().substring(0, 7)).artifact()).isNull();
    assertThat(trailRecords())
        .anySatisfy(
            r -> {
              assertThat(r.event()).isEqualTo(AuditEvent.BUILD_FAILED);
              assertThat(r.commit()).isEqualTo(broken.getName());
              assertThat(r.error()).isEqualTo("Cairn.BuildFailed");
            });

    // 3. A release that turns unhealthy during the bake: rolled back to the good release.
    RevCommit flaky = commit("flaky release", GOOD_BUILD, "1");
    ExecutionDescription third = runThrough(flaky, 3);

    assertThat(third.status()).isEqualTo(ExecutionStatus.FAILED);
    assertThat(third.error()).isEqualTo("Cairn.RolledBack");
    assertThat(served()).isEqualTo(good.getName());
    assertThat(deployer.running("production"))
        .extracting(Release::commit)
        .containsExactly(good.getName());
    StatusMessage rolledBack =
        awaitStatus(
            s ->
                s.commit().equals(flaky.getName())
                    && "production".equals(s.environment())
                    && s.description().startsWith("rolled back"));
    assertThat(rolledBack.state()).isEqualTo(StatusMessage.State.FAILURE);
    assertThat(rolledBack.description())
        .contains("to " + good.getName().substring(0, 7))
        .contains("Cairn.VerifyFailed");
    List<TrailEntry> records = trailRecords();
    assertThat(records)
        .anySatisfy(
            r -> {
              assertThat(r.event()).isEqualTo(AuditEvent.ROLLED_BACK);
              assertThat(r.commit()).isEqualTo(flaky.getName());
              assertThat(r.rolledBackTo()).isEqualTo(good.getName());
            });
    assertThat(trail.lastGood(remote, "production").orElseThrow().commit())
        .isEqualTo(good.getName());
    // Every record the steps wrote reached the trail, in order, once.
    assertThat(records)
        .extracting(r -> r.event().wireName())
        .containsExactly(
            "run-started",
            "build-succeeded",
            "deployment-started",
            "deployed",
            "run-started",
            "build-failed",
            "run-started",
            "build-succeeded",
            "deployment-started",
            "deployment-failed",
            "rolled-back",
            "marked-bad");
    // The queue granted the two runs that reached it, one after the other, and is free again.
    assertThat(answered("granted")).hasSize(2);
    assertThat(environments.read("production").holder()).isEmpty();
    assertThat(environments.read("production").bad()).containsExactly(flaky.getName());
    // Secrets never reached the job output or the results.
    assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
  }

  @Test
  void anOlderRunWaitingForTheEnvironmentIsSupersededByANewerOne() throws Exception {
    // 1. The first run holds production: its apply job is slow (held back until we let it go).
    RevCommit first = commit("first release", GOOD_BUILD, null);
    String firstRun = runId(first, 1);
    CountDownLatch firstApply = new CountDownLatch(1);
    heldApplies.put(firstRun, firstApply);
    String firstArn = start(first, 1);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                environments.read("production").holder().map(EnvironmentState.Slot::run).orElse(""),
            firstRun::equals);

    // 2. Two more commits are pushed; both build and wait for production, the older first.
    RevCommit older = commit("second release", GOOD_BUILD, null);
    String olderArn = start(older, 2);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> facts.find(runId(older, 2)).map(f -> f.sequence() > 0).orElse(false));
    RevCommit newer = commit("third release", GOOD_BUILD, null);
    String newerArn = start(newer, 3);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> environments.read("production").waiting().size() == 2);
    assertThat(facts.get(runId(older, 2)).sequence())
        .isLessThan(facts.get(runId(newer, 3)).sequence());

    // 3. The first deployment ends: its record releases production, the newer run is granted and
    // the older one superseded without ever deploying.
    firstApply.countDown();
    ExecutionDescription firstDone = completion(firstArn);
    ExecutionDescription olderDone = completion(olderArn);
    ExecutionDescription newerDone = completion(newerArn);

    assertThat(firstDone.status())
        .as(String.valueOf(firstDone.cause()))
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(newerDone.status())
        .as(String.valueOf(newerDone.cause()))
        .isEqualTo(ExecutionStatus.SUCCEEDED);
    // The superseded run ends through "record skipped" (not a failure of the pipeline).
    assertThat(olderDone.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(served()).isEqualTo(newer.getName());
    assertThat(facts.result(runId(older, 2), "apply-production")).isEmpty();
    assertThat(answered("Cairn.Superseded"))
        .singleElement()
        .extracting(a -> a[2])
        .isEqualTo("superseded by " + newer.getName().substring(0, 7));
    assertThat(trailRecords())
        .anySatisfy(
            r -> {
              assertThat(r.event()).isEqualTo(AuditEvent.SUPERSEDED);
              assertThat(r.commit()).isEqualTo(older.getName());
              assertThat(r.supersededBy()).isEqualTo(newer.getName());
            })
        .filteredOn(r -> r.event() == AuditEvent.DEPLOYED)
        .extracting(TrailEntry::commit)
        .containsExactly(first.getName(), newer.getName());
    EnvironmentState after = environments.read("production");
    assertThat(after.holder()).isEmpty();
    assertThat(after.grantedSequence()).isEqualTo(facts.get(runId(newer, 3)).sequence());
  }
}
