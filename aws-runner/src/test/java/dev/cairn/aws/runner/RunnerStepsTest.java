package dev.cairn.aws.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.batch.BatchJobRequest;
import dev.cairn.aws.s3.S3ArtifactStore;
import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.aws.sqs.SqsStatusPublisher;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.pipeline.file.StepSpec;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.runtime.DeployTarget;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The {@code steps} job end to end: the Batch job {@link BatchJobRequest#forSteps} makes for a
 * {@code JobSpec} is run by the runner in-process the way the container would run it (the job
 * definition's command with the request's parameters, the request's environment as the
 * container's), with its secret from moto's Secrets Manager.
 */
@ExtendWith(MotoExtension.class)
class RunnerStepsTest {
  private static final String API_TOKEN = "s3cr3t-steps-token-value";

  /** The runner job definition's command (aws-infra's PipelineStack), with Batch's defaults. */
  private static final List<String> DEFINITION_COMMAND =
      List.of(
          "Ref::job",
          "--run",
          "Ref::run",
          "--environment",
          "Ref::environment",
          "--reason",
          "Ref::reason");

  private static final Map<String, String> DEFINITION_DEFAULTS =
      Map.of("environment", "", "reason", "");

  @TempDir Path dir;
  private final String id = UUID.randomUUID().toString().substring(0, 8);
  private final String bucket = "cairn-steps-" + id;
  private S3Client s3;
  private SecretsManagerSecretStore secrets;
  private Path work;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @BeforeEach
  void setUp() {
    s3 = EmulatorClients.s3();
    s3.createBucket(b -> b.bucket(bucket));
    secrets = secretStore(EmulatorClients.secretsManager());
    work = dir.resolve("runner");
  }

  private SecretsManagerSecretStore secretStore(SecretsManagerClient client) {
    return SecretsManagerSecretStore.builder()
        .client(client)
        .prefix("cairn/steps-" + id + "/")
        .build();
  }

  private Runner runner(SecretStore secretStore) {
    S3ArtifactStore artifacts =
        S3ArtifactStore.builder().s3(s3).bucket(bucket).scratch(dir.resolve("scratch")).build();
    String queue = EmulatorClients.sqs().createQueue(b -> b.queueName("s-" + id)).queueUrl();
    return RunnerFixture.of(
            s3,
            bucket,
            artifacts,
            secretStore,
            "http://127.0.0.1:1/none.git",
            null,
            new LocalJobExecutor(LocalJobExecutor.Options.builder(dir.resolve("logs")).build()),
            new DeployTarget.Processes(
                new ProcessDeployer(dir.resolve("deployments"), secretStore), null),
            new SqsStatusPublisher(EmulatorClients.sqs(), queue),
            work,
            new PrintStream(output, true, StandardCharsets.UTF_8))
        .runner();
  }

  private static JobSpec spec(String jobId, List<StepSpec> steps, Map<String, String> env) {
    Set<String> masked = env.containsKey("API_TOKEN") ? Set.of(API_TOKEN) : Set.of();
    return new JobSpec(
        jobId, Path.of("/nonexistent"), steps, env, Duration.ofMinutes(5), true, masked);
  }

  /** Runs the request as the container would: its command line, its environment. */
  private RunnerResult runAsContainer(Runner runner, BatchJobRequest request) {
    List<String> args = new ArrayList<>();
    List<String> command = request.command().isEmpty() ? DEFINITION_COMMAND : request.command();
    for (String arg : command) {
      if (arg.startsWith("Ref::")) {
        String name = arg.substring("Ref::".length());
        arg = request.parameters().getOrDefault(name, DEFINITION_DEFAULTS.get(name));
      }
      args.add(arg);
    }
    assertThat(args.get(0)).isEqualTo("steps");
    RunnerJob job =
        new RunnerJob(
            JobKind.fromWireName(args.get(0)).orElseThrow(),
            args.get(2),
            args.get(4),
            null,
            args.get(6));
    return runner.runSteps(job, StepsJob.fromEnvironment(request.environment()));
  }

  private String printed() {
    return output.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theStepsOfABatchRequestRunWithTheirSecretFromSecretsManagerMasked() throws Exception {
    secrets.put("API_TOKEN", API_TOKEN);
    Map<String, String> env = new HashMap<>(Map.of("GREETING", "world", "API_TOKEN", API_TOKEN));
    BatchJobRequest request =
        BatchJobRequest.forSteps(
            spec(
                "job-" + id,
                List.of(
                    new StepSpec("greet", "echo \"hello $GREETING\"", null),
                    new StepSpec(
                        "use-secret",
                        "printf %s \"$API_TOKEN\" > received.txt && echo \"token=$API_TOKEN\"",
                        null)),
                env));
    assertThat(request.environment()).doesNotContainValue(API_TOKEN);

    RunnerResult result = runAsContainer(runner(secrets), request);

    assertThat(result.outcome()).as(result.cause()).isEqualTo(RunnerResult.Outcome.SUCCEEDED);
    assertThat(printed())
        .contains("[greet] hello world")
        .contains("[use-secret] token=***")
        .doesNotContain(API_TOKEN);
    Path received = work.resolve("jobs/job-" + id + "/steps/work/received.txt");
    assertThat(Files.readString(received)).isEqualTo(API_TOKEN);
    assertThat(result.log()).isEqualTo("s3://" + bucket + "/logs/job-" + id + "/steps.log");
    String log =
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("logs/job-" + id + "/steps.log"))
            .asUtf8String();
    assertThat(log).contains("hello world").contains("token=***").doesNotContain(API_TOKEN);
    JsonNode stored =
        new dev.cairn.aws.state.S3RunStore(s3, bucket, "")
            .result("job-" + id, "steps")
            .orElseThrow();
    assertThat(stored.path("status").asText()).isEqualTo("SUCCEEDED");
  }

  @Test
  void theFirstFailingStepStopsTheJobAndIsNamed() {
    BatchJobRequest request =
        BatchJobRequest.forSteps(
            spec(
                "job-" + id,
                List.of(
                    new StepSpec("first", "echo one", null),
                    new StepSpec("breaks", "echo two; exit 7", null),
                    new StepSpec("never", "echo three", null)),
                Map.of()));

    RunnerResult result = runAsContainer(runner(secrets), request);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.outcome().exitCode()).isEqualTo(1);
    assertThat(result.error()).isEqualTo("Cairn.StepFailed");
    assertThat(result.cause()).contains("'breaks'").doesNotContain("\n");
    assertThat(printed()).contains("[first] one").contains("[breaks] two").doesNotContain("three");
  }

  @Test
  void aMissingSecretFailsTheJobNamingIt() {
    BatchJobRequest request =
        BatchJobRequest.forSteps(
            spec(
                "job-" + id,
                List.of(new StepSpec("s", "echo ran", null)),
                Map.of("API_TOKEN", API_TOKEN)));

    RunnerResult result = runAsContainer(runner(secrets), request);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.FAILED);
    assertThat(result.error()).isEqualTo("Cairn.MissingSecret");
    assertThat(result.cause()).contains("'API_TOKEN'");
    assertThat(printed()).doesNotContain("ran");
  }

  @Test
  void anUnreachableSecretsManagerIsRetryable() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    SecretsManagerClient unreachable =
        EmulatorClients.configure(
                SecretsManagerClient.builder(), URI.create("http://127.0.0.1:" + closed))
            .build();
    BatchJobRequest request =
        BatchJobRequest.forSteps(
            spec(
                "job-" + id,
                List.of(new StepSpec("s", "echo ran", null)),
                Map.of("API_TOKEN", API_TOKEN)));

    RunnerResult result = runAsContainer(runner(secretStore(unreachable)), request);

    assertThat(result.outcome()).isEqualTo(RunnerResult.Outcome.RETRYABLE);
    assertThat(result.outcome().exitCode()).isEqualTo(3);
    assertThat(printed()).doesNotContain("ran");
  }

  @Test
  void malformedStepsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> StepsJob.fromEnvironment(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("CAIRN_JOB_STEPS is not set: a steps job takes its steps from it");
    assertThatThrownBy(() -> StepsJob.fromEnvironment(Map.of("CAIRN_JOB_STEPS", "[{\"name\":")))
        .hasMessageContaining("CAIRN_JOB_STEPS is malformed: it is not JSON");
    assertThatThrownBy(() -> StepsJob.fromEnvironment(Map.of("CAIRN_JOB_STEPS", "[]")))
        .hasMessageContaining("it is not a non-empty array");
    assertThatThrownBy(
            () ->
                StepsJob.fromEnvironment(
                    Map.of(
                        "CAIRN_JOB_STEPS", "[{\"name\":\"a\",\"run\":\"true\"},{\"name\":\"b\"}]")))
        .hasMessageContaining("step 2 has no \"name\" and \"run\" text");
    assertThatThrownBy(
            () ->
                StepsJob.fromEnvironment(
                    Map.of(
                        "CAIRN_JOB_STEPS",
                        "[{\"name\":\"a\",\"run\":\"true\"}]",
                        "CAIRN_SECRET_ENV",
                        "OK,no-dashes")))
        .hasMessageContaining("CAIRN_SECRET_ENV names 'no-dashes', which is not a variable");
  }

  @Test
  void theStepsGetTheEnvironmentWithoutTheProtocolVariables() {
    StepsJob job =
        StepsJob.fromEnvironment(
            Map.of(
                "CAIRN_JOB_STEPS",
                "[{\"name\":\"a\",\"run\":\"true\"}]",
                "CAIRN_SECRET_ENV",
                " API_TOKEN ,",
                "GREETING",
                "world"));

    assertThat(job.steps()).containsExactly(new StepSpec("a", "true", null));
    assertThat(job.env()).containsOnly(Map.entry("GREETING", "world"));
    assertThat(job.secretVariables()).containsExactly("API_TOKEN");
  }
}
