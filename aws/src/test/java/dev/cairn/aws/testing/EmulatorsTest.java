package dev.cairn.aws.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
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
}
