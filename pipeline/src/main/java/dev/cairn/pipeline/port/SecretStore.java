package dev.cairn.pipeline.port;

import java.util.Optional;
import java.util.Set;

/**
 * Keeps secrets: the user's ({@code ${secrets.NAME}} in the pipeline file) and the ones Cairn
 * generates (service passwords). Values never appear in logs, records or messages.
 */
public interface SecretStore {
  /** A secret's value. */
  Optional<String> get(String name);

  /**
   * A secret as one environment's steps, migrations and release see it: the value set for that
   * environment ({@code cairn secrets set NAME --env ENVIRONMENT}) if there is one, else the shared
   * value. Never another environment's value: what {@code ${secrets.NAME}} resolves to in an
   * environment's {@code app.env}, {@code migrations} or its deploy steps.
   *
   * <p>The default, for stores without environment scopes, is the shared value.
   *
   * @param environment a valid environment name, or null for the build (shared values only)
   * @param name the secret's name
   * @throws IllegalArgumentException when the environment or secret name is not valid
   */
  default Optional<String> forEnvironment(String environment, String name) {
    return get(name);
  }

  /** Stores a secret (replacing it). */
  void put(String name, String value);

  /** The secret's value, generating a random one the first time. */
  String getOrGenerate(String name);

  /** Every value stored, to mask them in output. */
  Set<String> values();
}
