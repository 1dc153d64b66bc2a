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

  /** Stores a secret (replacing it). */
  void put(String name, String value);

  /** The secret's value, generating a random one the first time. */
  String getOrGenerate(String name);

  /** Every value stored, to mask them in output. */
  Set<String> values();
}
