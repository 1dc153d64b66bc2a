package dev.cairn.aws.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * SDK v2 clients pointed at the emulators: endpoint override, static dummy credentials, region
 * {@code us-east-1}, the Apache HTTP client, path-style addressing for S3. Each call starts the
 * emulator it needs on first use; moto-backed clients need {@link Moto#assumeAvailable()} (or
 * {@link MotoExtension}) first so that tests skip where moto is absent.
 */
public final class EmulatorClients {
  /** The region every emulator client uses. */
  public static final Region REGION = Region.US_EAST_1;

  /** The dummy credentials every emulator client uses ("test"/"test"). */
  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private EmulatorClients() {}

  /** Points any SDK client builder at {@code endpoint} with the dummy credentials and region. */
  public static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, URI endpoint) {
    return builder.endpointOverride(endpoint).region(REGION).credentialsProvider(CREDENTIALS);
  }

  /** S3 on S3Mock (path-style). */
  public static S3Client s3() {
    return configure(S3Client.builder(), S3Mock.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .forcePathStyle(true)
        .build();
  }

  /** SQS on ElasticMQ. */
  public static SqsClient sqs() {
    return configure(SqsClient.builder(), ElasticMq.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** Secrets Manager on moto. */
  public static SecretsManagerClient secretsManager() {
    return configure(SecretsManagerClient.builder(), Moto.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** Batch on moto. */
  public static BatchClient batch() {
    return configure(BatchClient.builder(), Moto.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** Step Functions on moto. */
  public static SfnClient stepFunctions() {
    return configure(SfnClient.builder(), Moto.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** CloudFormation on moto. */
  public static CloudFormationClient cloudFormation() {
    return configure(CloudFormationClient.builder(), Moto.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** CloudWatch Logs on moto. */
  public static CloudWatchLogsClient logs() {
    return configure(CloudWatchLogsClient.builder(), Moto.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** IAM on moto (e.g. the roles Batch and Step Functions insist on). */
  public static IamClient iam() {
    return configure(IamClient.builder(), Moto.endpoint())
        .region(Region.AWS_GLOBAL)
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }

  /** S3 on moto, for tests that need S3 next to other moto services (e.g. CloudFormation). */
  public static S3Client motoS3() {
    return configure(S3Client.builder(), Moto.endpoint())
        .httpClientBuilder(ApacheHttpClient.builder())
        .forcePathStyle(true)
        .build();
  }
}
