package dev.cairn.git;

import dev.cairn.pipeline.port.SecretStore;
import java.util.function.Supplier;

/**
 * The git host token the functions fetch and push with, read from Secrets Manager each time git
 * needs it, so a rotated token is used without a restart.
 */
public final class GitToken {
  private GitToken() {}

  /**
   * Credentials read from the secret {@code secretName} on every call.
   *
   * @throws IllegalStateException (from {@link Supplier#get}) when the secret is missing or empty;
   *     the message names the secret, never a value
   */
  public static Supplier<RemoteCredentials> credentials(SecretStore secrets, String secretName) {
    return () -> {
      String token =
          secrets
              .get(secretName)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the secret " + secretName + " holding the git token is empty"));
      // GitHub takes any user name with a token; x-access-token is what its apps use.
      return new RemoteCredentials("x-access-token", token);
    };
  }
}
