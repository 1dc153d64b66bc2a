package dev.cairn.aws.lambda.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.aws.run.RunFacts;
import dev.cairn.aws.sfn.StepFunctionsExecutionControl;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.MotoExtension;
import dev.cairn.pipeline.json.Json;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The deploy queue with S3 and Step Functions on moto: the handler answers real SendTaskSuccess and
 * SendTaskFailure calls (moto accepts any token, so the answers are also recorded and asserted),
 * and the state store's conditional writes on moto's S3.
 */
@ExtendWith(MotoExtension.class)
class DeployQueueMotoTest {
  private final String bucket = "cairn-queue-moto-" + UUID.randomUUID().toString().substring(0, 8);
  private S3Client s3;
  private SfnClient sfn;
  private RecordingTokens tokens;
  private DeployQueue queue;
  private RunFacts facts;

  @BeforeEach
  void setUp() {
    s3 = EmulatorClients.motoS3();
    s3.createBucket(b -> b.bucket(bucket));
    sfn = EmulatorClients.stepFunctions();
    tokens = new RecordingTokens(TaskTokens.stepFunctions(new StepFunctionsExecutionControl(sfn)));
    queue = new DeployQueue(new S3QueueStore(s3, bucket, "notes/"), tokens);
    facts = new RunFacts(s3, bucket, "notes/");
  }

  @AfterEach
  void tearDown() {
    s3.close();
    sfn.close();
  }

  @Test
  void theHandlerAnswersThroughStepFunctions() {
    DeployQueueHandler handler = new DeployQueueHandler(queue, facts, BadCommits.none());
    for (int sequence = 1; sequence <= 3; sequence++) {
      handler.enqueue(
          Json.parse(
              "{\"run\":{\"id\":\"r"
                  + sequence
                  + "\",\"commit\":\""
                  + String.valueOf(sequence).repeat(40)
                  + "\",\"sequence\":"
                  + sequence
                  + "},\"environment\":\"staging\",\"token\":\"token-"
                  + sequence
                  + "\"}"));
    }

    queue.release("staging", "r1", null);

    // Each call below went through moto's SendTaskSuccess/SendTaskFailure without an error.
    assertThat(tokens.granted()).containsExactly("token-1", "token-3");
    assertThat(tokens.failed("Cairn.Superseded")).containsExactly("token-2");
    assertThat(tokens.calls.get(1).cause()).isEqualTo("superseded by 3333333");
    assertThat(tokens.calls.get(0).cause()).isEqualTo("{\"granted\":true}");
    assertThat(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key("notes/queue/staging.json"))
                .asUtf8String())
        .contains("\"holder\"")
        .contains("\"run\" : \"r3\"");
  }

  @Test
  void aWriteBasedOnAnOutdatedReadIsRefusedByMotosS3() {
    S3QueueStore store = new S3QueueStore(s3, bucket, "notes/");
    S3QueueStore.Versioned first = store.read("production");
    assertThat(store.write(first, QueueState.empty("production"))).isTrue();
    S3QueueStore.Versioned a = store.read("production");
    S3QueueStore.Versioned b = store.read("production");
    assertThat(store.write(a, QueueState.empty("production"))).isTrue();
    assertThat(store.write(b, QueueState.empty("production"))).isFalse();
    assertThat(store.write(first, QueueState.empty("production"))).isFalse();
  }

  @Test
  void twoConcurrentInvocationsOnAFreeSlotGrantExactlyOne() throws Exception {
    DeployQueueTest.assertConcurrentInvocationsGrantExactlyOne(
        new S3QueueStore(s3, bucket, "race/"));
  }

  @Test
  void concurrentlyNumberedRunsGetDistinctIncreasingNumbers() throws Exception {
    DeployQueueTest.assertConcurrentNumbersDistinct(new RunSequence(s3, bucket, "race/"));
  }

  @Test
  void anUnreachableStepFunctionsFailsTheInvocation() {
    SfnClient unreachable =
        SfnClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .build();
    DeployQueue broken =
        new DeployQueue(
            new S3QueueStore(s3, bucket, "other/"),
            TaskTokens.stepFunctions(new StepFunctionsExecutionControl(unreachable)));
    QueueState.Slot slot = new QueueState.Slot("r1", 1, "e".repeat(40), "token-secret-1");

    assertThatThrownBy(() -> broken.enqueue("production", slot, false, false))
        .isInstanceOf(dev.cairn.aws.AwsException.class)
        .hasMessageNotContaining("token-secret-1");
    unreachable.close();
  }
}
