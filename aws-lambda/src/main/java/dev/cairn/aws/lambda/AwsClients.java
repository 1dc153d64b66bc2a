package dev.cairn.aws.lambda;

import dev.cairn.pipeline.port.SecretStore;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The AWS clients of the functions' production constructors. They take region, credentials and (for
 * local trials) endpoints from the standard SDK settings ({@code AWS_REGION}, the execution role,
 * {@code AWS_ENDPOINT_URL}).
 */
public final class AwsClients {
  private AwsClients() {}

  /** Secrets Manager as a read-only secret store: the functions never write secrets. */
  public static SecretStore secrets() {
    return secrets(SecretsManagerClient.create());
  }

  /** A read-only secret store over {@code client}, for the functions' tests. */
  public static SecretStore secrets(SecretsManagerClient client) {
    return new SecretStore() {
      @Override
      public Optional<String> get(String name) {
        try {
          return Optional.ofNullable(client.getSecretValue(b -> b.secretId(name)).secretString());
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
    };
  }
}
