package dev.cairn.aws.config;

import dev.cairn.pipeline.port.SecretStore;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The AWS clients of the production constructors of Cairn's Lambda functions and runner. They take
 * region, credentials and (for local trials) endpoints from the standard SDK settings ({@code
 * AWS_REGION}, the execution role, {@code AWS_ENDPOINT_URL}).
 */
public final class AwsClients {
  private AwsClients() {}

  /**
   * The functions' own secrets (webhook secret, git token), read by their full Secrets Manager id
   * as the CDK app passes it ({@code CAIRN_*_SECRET_ID}). The application's secrets for {@code
   * ${secrets.NAME}} are the runner's, through {@code SecretsManagerSecretStore} with a prefix.
   */
  public static SecretStore secrets() {
    return secretsById(SecretsManagerClient.create());
  }

  /** A read-only secret store over {@code client} whose names are full secret ids or ARNs. */
  public static SecretStore secretsById(SecretsManagerClient client) {
    return new SecretStore() {
      @Override
      public Optional<String> get(String secretId) {
        try {
          return Optional.ofNullable(
              client.getSecretValue(b -> b.secretId(secretId)).secretString());
        } catch (ResourceNotFoundException e) {
          return Optional.empty();
        }
      }

      @Override
      public void put(String name, String value) {
        throw new UnsupportedOperationException("the Lambda functions only read secrets");
      }

      @Override
      public String getOrGenerate(String name) {
        throw new UnsupportedOperationException("the Lambda functions only read secrets");
      }

      @Override
      public Set<String> values() {
        return Set.of();
      }

      @Override
      public String toString() {
        return "SecretsById";
      }
    };
  }
}
