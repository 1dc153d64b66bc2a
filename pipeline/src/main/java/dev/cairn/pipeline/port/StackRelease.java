package dev.cairn.pipeline.port;

import java.util.Map;
import java.util.Objects;

/**
 * What to deploy to one stack: one commit's template and the artifact it runs.
 *
 * @param stackName the stack, e.g. {@code notes-production}
 * @param templateBody the CloudFormation template (JSON or YAML) of the commit
 * @param parameters the template's parameters, typically the artifact's image URI and digest
 * @param commit the application commit (recorded as the stack tag {@code cairn:commit})
 * @param artifact the artifact digest (recorded as the stack tag {@code cairn:artifact})
 */
public record StackRelease(
    String stackName,
    String templateBody,
    Map<String, String> parameters,
    String commit,
    String artifact) {
  /** Checks the fields and copies the map. */
  public StackRelease {
    Objects.requireNonNull(stackName, "stackName");
    Objects.requireNonNull(templateBody, "templateBody");
    Objects.requireNonNull(commit, "commit");
    Objects.requireNonNull(artifact, "artifact");
    parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
  }

  @Override
  public String toString() {
    // Parameters may be NoEcho values: names only.
    return "StackRelease["
        + stackName
        + ", commit "
        + commit
        + ", artifact "
        + artifact
        + ", parameters "
        + new java.util.TreeSet<>(parameters.keySet())
        + "]";
  }
}
