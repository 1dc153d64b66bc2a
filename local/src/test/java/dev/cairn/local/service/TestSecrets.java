package dev.cairn.local.service;

import dev.cairn.pipeline.port.SecretStore;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory {@link SecretStore} for tests of the adapters that take one. */
public final class TestSecrets implements SecretStore {
  private final Map<String, String> values = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();

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
    return values.computeIfAbsent(
        name,
        n -> {
          byte[] bytes = new byte[18];
          random.nextBytes(bytes);
          return HexFormat.of().formatHex(bytes);
        });
  }

  @Override
  public Set<String> values() {
    return Set.copyOf(values.values());
  }
}
