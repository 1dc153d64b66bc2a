package dev.cairn.aws.lambda.testing;

import dev.cairn.pipeline.port.SecretStore;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Secrets in memory, for tests whose subject is not where secrets are kept. */
public final class MapSecrets implements SecretStore {
  private final Map<String, String> values = new ConcurrentHashMap<>();

  /** A store holding {@code name = value}. */
  public static MapSecrets of(String name, String value) {
    MapSecrets secrets = new MapSecrets();
    secrets.put(name, value);
    return secrets;
  }

  @Override
  public Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  @Override
  public void put(String name, String value) {
    values.put(name, value);
  }

  @Override
  public String getOrGenerate(String name) {
    return values.computeIfAbsent(name, n -> java.util.UUID.randomUUID().toString());
  }

  @Override
  public Set<String> values() {
    return new HashSet<>(values.values());
  }
}
