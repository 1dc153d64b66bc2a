package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.ServiceProvisioner;
import dev.cairn.pipeline.port.StackDeployer;
import java.util.Objects;

/**
 * Where an environment's releases run: processes Cairn starts and switches itself (the local loop,
 * or the runner in process mode), or a stack the cloud deploys (a CloudFormation stack on AWS).
 */
public sealed interface DeployTarget {

  /**
   * Releases are processes behind the environment's proxy.
   *
   * @param deployer starts, checks, switches and stops releases
   * @param services provisions the environment's services (PostgreSQL, Redis), or null when this
   *     driver has none (environments that declare services then fail with a clear message)
   */
  record Processes(Deployer deployer, ServiceProvisioner services) implements DeployTarget {
    /** Requires the deployer. */
    public Processes {
      Objects.requireNonNull(deployer, "deployer");
    }
  }

  /**
   * Each environment is a stack: each commit carries its template at {@code templatePath}; {@code
   * apply} deploys it to {@code <stackPrefix><environment>} with the parameters {@value
   * #COMMIT_PARAMETER} and {@value #ARTIFACT_PARAMETER}; {@code rollback} deploys the last good
   * commit's template with its artifact.
   *
   * @param deployer deploys a template to a stack
   * @param stackPrefix the stacks' name prefix, e.g. {@code notes-}
   * @param templatePath the template's path in the application repository
   */
  record Stack(StackDeployer deployer, String stackPrefix, String templatePath)
      implements DeployTarget {
    /** The template parameter that receives the commit. */
    public static final String COMMIT_PARAMETER = "CairnCommit";

    /** The template parameter that receives the artifact digest. */
    public static final String ARTIFACT_PARAMETER = "CairnArtifact";

    /** Requires every field. */
    public Stack {
      Objects.requireNonNull(deployer, "deployer");
      Objects.requireNonNull(stackPrefix, "stackPrefix");
      Objects.requireNonNull(templatePath, "templatePath");
    }

    /** The stack of an environment. */
    public String stackName(String environment) {
      return stackPrefix + environment;
    }
  }
}
