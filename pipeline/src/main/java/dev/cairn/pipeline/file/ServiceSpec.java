package dev.cairn.pipeline.file;

import java.util.Map;

/**
 * A service an environment needs, provisioned and kept by Cairn.
 *
 * @param name the service's name in the file, used in references: {@code ${services.NAME.url}}
 * @param type what it is
 * @param settings type-specific settings (e.g. {@code database} for PostgreSQL)
 */
public record ServiceSpec(String name, ServiceType type, Map<String, String> settings) {
  public ServiceSpec {
    settings = Map.copyOf(settings);
  }

  /** The kinds of service Cairn provisions. */
  public enum ServiceType {
    POSTGRES,
    REDIS
  }
}
