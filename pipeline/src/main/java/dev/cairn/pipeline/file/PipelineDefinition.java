package dev.cairn.pipeline.file;

import java.util.List;

/**
 * A parsed and validated pipeline file ({@code cairn.yml}).
 *
 * @param name the application's name
 * @param build how a commit is built
 * @param environments the environments, in promotion order
 */
public record PipelineDefinition(String name, BuildSpec build, List<EnvironmentSpec> environments) {
  public PipelineDefinition {
    environments = List.copyOf(environments);
  }

  /** The environment of that name, if declared. */
  public java.util.Optional<EnvironmentSpec> environment(String environmentName) {
    return environments.stream().filter(e -> e.name().equals(environmentName)).findFirst();
  }
}
