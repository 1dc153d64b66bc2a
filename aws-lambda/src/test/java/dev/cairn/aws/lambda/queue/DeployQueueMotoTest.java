package dev.cairn.aws.lambda.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.aws.lambda.FunctionRuntime;
import dev.cairn.aws.lambda.testing.FunctionRuntimes;
import dev.cairn.aws.lambda.validate.ValidateHandler;
import dev.cairn.aws.sfn.StepFunctionsExecutionControl;
import dev.cairn.aws.sfn.StepFunctionsTaskTokens;
import dev.cairn.aws.state.S3EnvironmentStore;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.runtime.PipelineRuntime;
import dev.cairn.pipeline.runtime.TaskTokens;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The queue function with S3 and Step Functions on moto: the core's deploy queue answers real
 * SendTaskSuccess and SendTaskFailure calls (moto accepts any token, so the answers are also
 * recorded and asserted), its state kept by compare-and-swap on moto's S3.
 */
@ExtendWith(MotoExtension.class)
class DeployQueueMotoTest {
  @TempDir Path dir;
  private final String bucket = "cairn-queue-moto-" + UUID.randomUUID().toString().substring(0, 8);
  private S3Client s3;
  private SfnClient sfn;

  @BeforeEach
  void setUp() {
    s3 = EmulatorClients.motoS3();
    s3.createBucket(b -> b.bucket(bucket));
    sfn = EmulatorClients.stepFunctions();
  }

  @AfterEach
  void tearDown() {
    s3.close();
    sfn.close();
  }

  private PipelineRuntime runtime(TaskTokens tokens) {
    return FunctionRuntimes.runtime(
        FunctionRuntimes.settings(bucket, dir, null, Map.of()), s3, tokens, null);
  }

  private void validated(PipelineRuntime runtime, int n) {
    new ValidateHandler(runtime)
        .validate(
            Json.parse(
                "{\"run\":{\"id\":\"r"
                    + n
                    + "\",\"commit\":\""
                    + String.valueOf(n).repeat(40)
                    + "\"}}"));
  }

  private static String queued(int n) {
    return "{\"run\":{\"id\":\"r"
        + n
        + "\"},\"environment\":\"staging\",\"token\":\"token-"
        + n
        + "\"}";
  }

  @Test
  void theHandlerAnswersThroughStepFunctions() {
    RecordingTokens tokens =
        new RecordingTokens(new StepFunctionsTaskTokens(new StepFunctionsExecutionControl(sfn)));
    PipelineRuntime runtime = runtime(tokens);
    DeployQueueHandler handler = new DeployQueueHandler(runtime);
    for (int n = 1; n <= 3; n++) {
      validated(runtime, n);
      handler.enqueue(Json.parse(queued(n)));
    }

    // What the record function does once r1's deployment ended.
    runtime.release("r1", "staging");

    // Each call below went through moto's SendTaskSuccess/SendTaskFailure without an error.
    assertThat(tokens.granted()).containsExactly("token-1", "token-3");
    assertThat(tokens.failed("Cairn.Superseded")).containsExactly("token-2");
    assertThat(tokens.calls.get(1).cause()).isEqualTo("superseded by 3333333");
    assertThat(tokens.calls.get(0).cause()).isEqualTo("{\"granted\":true}");
    assertThat(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key("notes/queue/staging.json"))
                .asUtf8String())
        .contains("\"r3\"")
        .doesNotContain("\"r2\"");
  }

  @Test
  void anUnreachableStepFunctionsFailsTheInvocationWithoutTheToken() {
    SfnClient unreachable =
        SfnClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .build();
    PipelineRuntime runtime =
        runtime(new StepFunctionsTaskTokens(new StepFunctionsExecutionControl(unreachable)));
    validated(runtime, 1);

    assertThatThrownBy(
            () ->
                new DeployQueueHandler(runtime)
                    .enqueue(
                        Json.parse(
                            "{\"run\":{\"id\":\"r1\"},\"environment\":\"production\","
                                + "\"token\":\"token-secret-1\"}")))
        .isInstanceOf(dev.cairn.aws.AwsException.class)
        .hasMessageNotContaining("token-secret-1");
    unreachable.close();
  }

  @Test
  void aPayloadWithoutTokenOrWithABadEnvironmentIsRefused() {
    DeployQueueHandler handler = new DeployQueueHandler(runtime(new RecordingTokens()));

    assertThatThrownBy(
            () ->
                handler.enqueue(
                    Json.parse("{\"run\":{\"id\":\"r1\"},\"environment\":\"staging\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"token\"");
    assertThatThrownBy(
            () ->
                handler.enqueue(
                    Json.parse(
                        "{\"run\":{\"id\":\"r1\"},\"environment\":\"../queue\","
                            + "\"token\":\"token-secret-2\"}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("token-secret-2");
  }

  /**
   * The queue function wired as Lambda wires it ({@link FunctionRuntime#create(LambdaSettings,
   * FunctionRuntime.Clients, Clock)}) from the variables the stack gives it — no git remote, no
   * token — with a Secrets Manager client that reaches nothing: it grants a good commit and skips
   * one the record function marked bad, answering through Step Functions, and never asks for a
   * secret.
   */
  @Test
  void theQueueFunctionAsTheStackConfiguresItDecidesWithoutSecretsManager() throws Exception {
    PipelineRuntime validator = runtime(new RecordingTokens());
    validated(validator, 1);
    validated(validator, 3);
    // What the record function does before it pushes a rollback's marked-bad record.
    AuditRecord marked =
        AuditRecord.builder()
            .id(AuditRecord.newId(Clock.systemUTC()))
            .event(AuditEvent.MARKED_BAD)
            .occurredAt(Instant.now())
            .run("r0")
            .trigger(AuditTrigger.manual("ada"))
            .commit("3".repeat(40))
            .environment("staging")
            .cairnVersion("test")
            .build();
    FunctionRuntime.markingBad(S3EnvironmentStore.forFunctions(s3, bucket, "notes/"), r -> {})
        .deliver(List.of(marked));
    SecretsManagerClient unreachable =
        SecretsManagerClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .build();
    PipelineRuntime queue =
        FunctionRuntime.create(
            FunctionRuntimes.settings(bucket, dir.resolve("queue"), null, Map.of()),
            new FunctionRuntime.Clients(s3, sfn, unreachable, null),
            Clock.systemUTC());
    DeployQueueHandler handler = new DeployQueueHandler(queue);

    var bad = handler.enqueue(Json.parse(queued(3)));
    var good = handler.enqueue(Json.parse(queued(1)));

    assertThat(bad.path("answered").toString()).contains("r3: skipped");
    assertThat(good.path("answered").toString()).contains("r1: granted");
    unreachable.close();
  }
}
