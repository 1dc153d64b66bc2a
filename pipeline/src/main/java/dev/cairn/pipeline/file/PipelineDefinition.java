package dev.cairn.pipeline.file;

import java.util.List;
import java.util.Objects;

/**
 * A parsed and validated pipeline file ({@code cairn.yml}).
 *
 * @param name the application's name
 * @param build how a commit is built
 * @param environments the environments, in promotion order
 * @param audit what the audit trail does beyond its records
 */
public record PipelineDefinition(
    String name, BuildSpec build, List<EnvironmentSpec> environments, AuditSpec audit) {
  public PipelineDefinition {
    environments = List.copyOf(environments);
    Objects.requireNonNull(audit, "audit");
  }

  /** A pipeline with the default audit settings. */
  public PipelineDefinition(String name, BuildSpec build, List<EnvironmentSpec> environments) {
    this(name, build, environments, AuditSpec.DEFAULT);
  }

  /** The environment of that name, if declared. */
  public java.util.Optional<EnvironmentSpec> environment(String environmentName) {
    return environments.stream().filter(e -> e.name().equals(environmentName)).findFirst();
  }
}
