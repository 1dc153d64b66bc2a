package dev.cairn.aws.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.aws.lambda.FunctionRuntime;
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
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.execution.Engine;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.store.InMemoryExecutionStore;
import dev.cairn.engine.task.LambdaFunctionError;
import dev.cairn.engine.task.LambdaTaskHandler;
import dev.cairn.engine.task.TaskHandlers;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.compile.PipelineCompiler;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.pipeline.runtime.StatusPublishingListener;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.eclipse.jgit.api.Git;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Cairn's AWS runtime on one machine, for tests: the state machine the pipeline compiles to (the
 * one Step Functions runs) on Cairn's engine, with the AWS task integrations served by the AWS
 * runtime's own code against emulators:
 *
 * <ul>
 *   <li>{@code arn:aws:states:::batch:submitJob.sync} runs the runner in-process, as AWS Batch
 *       would run the runner image with the task's Parameters: artifacts, logs and run facts in S3
 *       (S3Mock), secrets in Secrets Manager (moto), status messages on SQS (ElasticMQ), the commit
 *       fetched over smart HTTP with the token from Secrets Manager; the build's steps run in a
 *       separate build job ({@link InProcessBuildJobs}) handed over through the bucket, as the
 *       pipeline stack splits them;
 *   <li>{@code arn:aws:states:::lambda:invoke} invokes the Lambda handlers in-process: {@code
 *       cairn-validate}, {@code cairn-plan}, {@code cairn-record} (which delivers the audit outbox
 *       to the git host through the audit writer) and {@code cairn-queue}, the deploy queue (state
 *       in S3), whose task tokens are answered through the engine as Step Functions would answer
 *       SendTaskSuccess/Failure.
 * </ul>
 *
 * <p>The repository is a bare one served by a {@link GitHttpServer} at {@link #remote}. The
 * application target is chosen per instance ({@link Target}): the process deployer (releases as
 * processes behind a proxy on a loopback port, as {@code CAIRN_DEPLOYER=process} runs them on one
 * machine), or stacks on moto with image releases ({@link EmulatedStack}: CodeBuild, ECR, ECS,
 * ELBv2, CloudFormation; ECS runs no container here). Needs moto
 * ({@code @ExtendWith(MotoExtension.class)}).
 */
final class EmulatedAws implements AutoCloseable {
  /** Where the application's releases run. */
  enum Target {
    /** Processes behind a proxy on this machine ({@link #deployer}). */
    PROCESSES,
    /** Each environment a stack on moto, releases images built by CodeBuild ({@link #stack}). */
    STACKS
  }

  /** Cairn's git token (in Secrets Manager; the git host accepts only it). */
  static final String TOKEN = "ghp_e2e-token-0123456789";

  /**
   * Where the in-process "Lambda" and "Batch" work runs: its own threads, because a job waiting for
   * a release's health would otherwise block the small common pool the other tasks need.
   */
  private static final ExecutorService WORK = Executors.newVirtualThreadPerTaskExecutor();

  /** The repository's name on the git host ({@code owner/name}). */
  final String repository;

  /** The bare repository the git host serves. */
  final Path bare;

  /** The repository's URL on the git host (needs {@link #credentials}). */
  final String remote;

  final GitHttpServer gitHost;
  final String bucket;
  final S3Client s3;
  final SqsClient sqs;
  final String queueUrl;
  final SecretsManagerSecretStore secrets;
  final Supplier<RemoteCredentials> credentials;
  final S3ArtifactStore artifacts;
  final ProcessDeployer deployer;

  /** The stack target's emulators, or null when releases are processes. */
  final EmulatedStack stack;

  /** The build jobs (the build job definition's containers), with the build role's S3 access. */
  final InProcessBuildJobs buildJobs;

  final Runner runner;

  /** The runs' facts and job results in the bucket. */
  final S3RunStore runs;

  /** The environments' states as the functions see them (with the deploy queue). */
  final S3EnvironmentStore environments;

  /** The audit outbox in the bucket, delivered to the git host by {@code cairn-record}. */
  final S3AuditOutbox outbox;

  final Engine engine;

  /** Every task token answer: {token, error or "granted", cause}. */
  final List<String[]> answers = new CopyOnWriteArrayList<>();

  /** What the runner printed (its jobs' output). */
  final ByteArrayOutputStream output = new ByteArrayOutputStream();

  /** Releases as processes. */
  EmulatedAws(Path dir, String repository) throws Exception {
    this(dir, repository, Target.PROCESSES);
  }

  EmulatedAws(Path dir, String repository, Target target) throws Exception {
    this.repository = repository;
    String id = UUID.randomUUID().toString().substring(0, 8);
    bucket = "cairn-e2e-" + id;
    bare = dir.resolve("origin.git");
    Git.init().setBare(true).setInitialBranch("main").setDirectory(bare.toFile()).call().close();
    gitHost = GitHttpServer.start(TOKEN);
    remote = gitHost.serve(repository, bare);

    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    sqs = EmulatorClients.sqs();
    queueUrl = sqs.createQueue(b -> b.queueName("status-" + id)).queueUrl();
    secrets =
        SecretsManagerSecretStore.builder()
            .client(EmulatorClients.secretsManager())
            .prefix("cairn/e2e-" + id + "/")
            .build();
    secrets.put("git-token", TOKEN);
    credentials =
        () -> new RemoteCredentials("x-access-token", secrets.get("git-token").orElseThrow());

    artifacts =
        S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("s3-scratch")).build();
    deployer = new ProcessDeployer(dir.resolve("deployments"), secrets);
    stack =
        target == Target.STACKS
            ? new EmulatedStack(repository.replaceAll(".*/", ""), id, s3, bucket, dir)
            : null;
    buildJobs =
        new InProcessBuildJobs(
            bucket,
            "",
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            dir.resolve("build-jobs"));
    RunnerFixture jobs =
        RunnerFixture.of(
            s3,
            bucket,
            artifacts,
            secrets,
            remote,
            credentials,
            // As the pipeline stack deploys it: the privileged runner checks out and collects,
            // the build steps run in a build job of their own, with the build role's access.
            new IsolatedBuildExecutor(
                new S3HandOff(s3, bucket), "", buildJobs, dir.resolve("handoff")),
            stack != null ? stack.target() : new DeployTarget.Processes(deployer, null),
            new SqsStatusPublisher(sqs, queueUrl),
            dir.resolve("runner"),
            new PrintStream(output, true),
            stack != null ? stack.images() : null);
    runner = jobs.runner();
    runs = jobs.runs();
    // The functions see the deploy queue too; the jobs' store sees only the ledger.
    environments = S3EnvironmentStore.forFunctions(s3, bucket, "");

    // The functions: the same runtime over the same bucket, with the queue's tokens answered
    // through the engine (as Step Functions would) and the audit writer delivering the outbox.
    AuditWriterHandler auditWriter =
        new AuditWriterHandler(
            secrets,
            new AuditWriterHandler.Config(
                remote, "git-token", dir.resolve("lambda-tmp"), Duration.ofSeconds(10)));
    outbox =
        new S3AuditOutbox(
            s3,
            bucket,
            "",
            // As the record function delivers: the bad marks into the states first.
            FunctionRuntime.markingBad(
                environments, records -> auditWriter.writeAll(records, repository)),
            Clock.systemUTC());
    CompletableFuture<Engine> ready = new CompletableFuture<>();
    PipelineRuntime functions =
        new PipelineRuntime(
            RuntimePorts.builder()
                .runs(runs)
                .environments(environments)
                .secrets(secrets)
                .listener(
                    new StatusPublishingListener(
                        new SqsStatusPublisher(sqs, queueUrl), runs, Clock.systemUTC(), x -> {}))
                .audit(outbox)
                // As FunctionRuntime with CAIRN_STACK_PREFIX: the functions know the stacks'
                // names; they deploy nothing (the runner's jobs do).
                .target(
                    stack == null
                        ? null
                        : new DeployTarget.Stack(stack.target().deployer(), stack.prefix))
                .workDirectory(dir.resolve("functions"))
                .cairnVersion("test")
                .build(),
            new EngineTaskTokens(ready, answers),
            run -> false);
    engine =
        engine(
            new ValidateHandler(functions),
            new PlanHandler(functions),
            new RecordHandler(functions, outbox),
            new DeployQueueHandler(functions),
            ready);
  }

  /** Starts an execution of a compiled pipeline; returns its ARN. */
  String start(ObjectNode machine, String name, String executionName, ObjectNode input) {
    return engine.start(Json.write(machine), name, executionName, input);
  }

  /** Waits for an execution; on a time-out, says where it stands (its history). */
  ExecutionDescription completion(String arn) throws Exception {
    try {
      return engine.completion(arn).get(2, TimeUnit.MINUTES);
    } catch (TimeoutException e) {
      throw new AssertionError(
          "execution "
              + arn
              + " did not end; history:\n"
              + String.join("\n", engine.history(arn).stream().map(String::valueOf).toList()),
          e);
    }
  }

  /** The task token answers whose second field is {@code what} ("granted" or an error). */
  List<String[]> answered(String what) {
    return answers.stream().filter(a -> a[1].equals(what)).toList();
  }

  /** Stops the engine, every release with its proxy, and the git host. */
  @Override
  public void close() {
    engine.close();
    // The releases and their proxies: the releases would hold the scenario's ports otherwise.
    deployer.environments().forEach(deployer::destroy);
    if (stack != null) {
      stack.close();
    }
    gitHost.close();
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
    return CompletableFuture.supplyAsync(
        () -> {
          RunnerJob runnerJob =
              new RunnerJob(
                  JobKind.fromWireName(job.path("job").asText()).orElseThrow(),
                  job.path("run").asText(),
                  job.path("environment").asText(""),
                  null,
                  job.path("reason").asText(""));
          return batchOutcome(runner.run(runnerJob));
        },
        WORK);
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

  /** Invokes a handler as Lambda would: an exception becomes the function's error. */
  private static CompletableFuture<JsonNode> lambda(ThrowingSupplier handler) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return handler.get();
          } catch (Exception e) {
            throw new LambdaFunctionError(
                e.getClass().getSimpleName(), String.valueOf(e.getMessage()), List.of());
          }
        },
        WORK);
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    JsonNode get() throws Exception;
  }
}
