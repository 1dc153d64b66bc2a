package dev.cairn.aws.lambda;

import dev.cairn.aws.secrets.SecretsManagerSecretStore;
import dev.cairn.pipeline.port.SecretStore;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The AWS clients of the functions' production constructors. They take region, credentials and (for
 * local trials) endpoints from the standard SDK settings ({@code AWS_REGION}, the execution role,
 * {@code AWS_ENDPOINT_URL}).
 */
public final class AwsClients {
  private AwsClients() {}

  /**
   * The application's secrets in Secrets Manager: {@code <CAIRN_SECRET_PREFIX><name>} (default
   * prefix {@code cairn/}), the same store the runner reads {@code ${secrets.NAME}} from.
   */
  public static SecretStore secrets() {
    return SecretsManagerSecretStore.builder()
        .client(SecretsManagerClient.create())
        .prefix(LambdaSettings.fromEnvironment().orDefault(LambdaSettings.SECRET_PREFIX, "cairn/"))
        .build();
  }
}
