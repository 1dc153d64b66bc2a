package dev.cairn.aws.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The harness itself: each emulator starts and round-trips a value through its SDK client. */
class EmulatorsTest {
  @Test
  void elasticMqCarriesAMessage() {
    try (SqsClient sqs = EmulatorClients.sqs()) {
      String queue = sqs.createQueue(b -> b.queueName("harness-" + UUID.randomUUID())).queueUrl();
      sqs.sendMessage(b -> b.queueUrl(queue).messageBody("hello"));

      assertThat(queue).startsWith(ElasticMq.endpoint().toString());
      assertThat(sqs.receiveMessage(b -> b.queueUrl(queue).waitTimeSeconds(5)).messages())
          .singleElement()
          .satisfies(m -> assertThat(m.body()).isEqualTo("hello"));
    }
  }

  @Test
  void s3MockKeepsAnObject() {
    try (S3Client s3 = EmulatorClients.s3()) {
      String bucket = "harness-" + UUID.randomUUID();
      s3.createBucket(b -> b.bucket(bucket));
      s3.putObject(b -> b.bucket(bucket).key("a/b.txt"), RequestBody.fromString("content"));

      assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("a/b.txt")).asUtf8String())
          .isEqualTo("content");
    }
  }

  @Test
  void motoKeepsASecret() {
    Moto.assumeAvailable();
    try (SecretsManagerClient secrets = EmulatorClients.secretsManager()) {
      String name = "harness/" + UUID.randomUUID();
      secrets.createSecret(b -> b.name(name).secretString("value"));

      assertThat(secrets.getSecretValue(b -> b.secretId(name)).secretString()).isEqualTo("value");
    }
  }

  /**
   * What Cairn's S3 stores rely on (compare-and-swap): of writers that all read the same version
   * and write with its ETag in {@code If-Match}, exactly one succeeds; the others get 412.
   * moto_server started by its own {@code main} fails this (it checks the condition and stores the
   * object without a lock), which is why {@link Moto} starts it through its launcher.
   */
  @Test
  void motoLetsOnlyOneOfConcurrentConditionalWritesOfTheSameVersionSucceed() throws Exception {
    Moto.assumeAvailable();
    int writers = 16;
    ExecutorService threads = Executors.newFixedThreadPool(writers);
    try (S3Client s3 = EmulatorClients.motoS3()) {
      String bucket = "harness-" + UUID.randomUUID();
      s3.createBucket(b -> b.bucket(bucket));
      for (int round = 0; round < 10; round++) {
        String key = "counter-" + round;
        String etag =
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("0")).eTag();
        CyclicBarrier together = new CyclicBarrier(writers);
        List<CompletableFuture<Integer>> statuses =
            IntStream.range(0, writers)
                .mapToObj(
                    i ->
                        CompletableFuture.supplyAsync(
                            () -> {
                              try {
                                together.await();
                                s3.putObject(
                                    b -> b.bucket(bucket).key(key).ifMatch(etag),
                                    RequestBody.fromString("writer " + i));
                                return 200;
                              } catch (S3Exception e) {
                                return e.statusCode();
                              } catch (Exception e) {
                                throw new IllegalStateException(e);
                              }
                            },
                            threads))
                .toList();

        assertThat(statuses.stream().map(CompletableFuture::join).toList())
            .as("round %d: one 200, the rest 412", round)
            .containsOnly(200, 412)
            .containsOnlyOnce(200);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
