package dev.cairn.aws.testing;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
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

  // The Apache HTTP client the adapters use in production (Netty is excluded from the build).
  private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B onApache(
      B builder, URI endpoint) {
    return configure(builder, endpoint).httpClientBuilder(ApacheHttpClient.builder());
  }

  /** S3 on S3Mock (path-style). */
  public static S3Client s3() {
    return onApache(S3Client.builder(), S3Mock.endpoint()).forcePathStyle(true).build();
  }

  /** SQS on ElasticMQ. */
  public static SqsClient sqs() {
    return onApache(SqsClient.builder(), ElasticMq.endpoint()).build();
  }

  /** Secrets Manager on moto. */
  public static SecretsManagerClient secretsManager() {
    return onApache(SecretsManagerClient.builder(), Moto.endpoint()).build();
  }

  /** Batch on moto. */
  public static BatchClient batch() {
    return onApache(BatchClient.builder(), Moto.endpoint()).build();
  }

  /** Step Functions on moto. */
  public static SfnClient stepFunctions() {
    return onApache(SfnClient.builder(), Moto.endpoint()).build();
  }

  /** CloudFormation on moto. */
  public static CloudFormationClient cloudFormation() {
    return onApache(CloudFormationClient.builder(), Moto.endpoint()).build();
  }

  /** CloudWatch Logs on moto. */
  public static CloudWatchLogsClient logs() {
    return onApache(CloudWatchLogsClient.builder(), Moto.endpoint()).build();
  }

  /** ECR on moto (the release images' repositories). */
  public static EcrClient ecr() {
    return onApache(EcrClient.builder(), Moto.endpoint()).build();
  }

  /** IAM on moto (e.g. the roles Batch and Step Functions insist on). */
  public static IamClient iam() {
    return onApache(IamClient.builder(), Moto.endpoint()).region(Region.AWS_GLOBAL).build();
  }

  /** S3 on moto, for tests that need S3 next to other moto services (e.g. CloudFormation). */
  public static S3Client motoS3() {
    return onApache(S3Client.builder(), Moto.endpoint()).forcePathStyle(true).build();
  }

  /** ECS on moto (it runs no container: tasks go RUNNING → STOPPED as they are described). */
  public static EcsClient ecs() {
    return onApache(EcsClient.builder(), Moto.endpoint()).build();
  }

  /** Elastic Load Balancing v2 on moto. */
  public static ElasticLoadBalancingV2Client elasticLoadBalancing() {
    return onApache(ElasticLoadBalancingV2Client.builder(), Moto.endpoint()).build();
  }

  /** CloudWatch (metrics and alarms) on moto. */
  public static CloudWatchClient cloudWatch() {
    return onApache(CloudWatchClient.builder(), Moto.endpoint()).build();
  }
}
