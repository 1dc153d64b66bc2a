package dev.cairn.pipeline.file;

import java.time.Duration;
import java.util.Map;

/**
 * One environment: its services (infrastructure), how the app starts, migrates and is checked, and
 * what happens when a release is unhealthy.
 *
 * @param name the environment's name, e.g. {@code production}
 * @param services the services by name, e.g. {@code db}
 * @param app how a release of the app starts
 * @param migrate the migration command run before traffic switches, or null
 * @param health the health check
 * @param bake how long a new release is watched before it becomes the last good release
 * @param rollback the rollback policy
 * @param aws how the environment runs on AWS (its stack's template); the defaults when the file has
 *     no {@code aws} section
 */
public record EnvironmentSpec(
    String name,
    Map<String, ServiceSpec> services,
    AppSpec app,
    StepSpec migrate,
    HealthSpec health,
    Duration bake,
    RollbackSpec rollback,
    AwsSpec aws) {
  public EnvironmentSpec {
    services = Map.copyOf(services);
    aws = aws == null ? AwsSpec.DEFAULTS : aws;
  }

  /** An environment without an {@code aws} section. */
  public EnvironmentSpec(
      String name,
      Map<String, ServiceSpec> services,
      AppSpec app,
      StepSpec migrate,
      HealthSpec health,
      Duration bake,
      RollbackSpec rollback) {
    this(name, services, app, migrate, health, bake, rollback, AwsSpec.DEFAULTS);
  }
}
