package dev.cairn.aws.runner;

import dev.cairn.aws.cloudformation.CloudFormationDeployer;
import java.util.Objects;

/**
 * Where an environment runs when it is a CloudFormation stack (ECS on Fargate behind a load
 * balancer, e.g. the notes example): each commit carries its stack template at {@code
 * templatePath}; {@code apply} deploys it to {@code <stackPrefix><environment>} by change set with
 * the parameters {@value #COMMIT_PARAMETER} and {@value #ARTIFACT_PARAMETER}, and {@code rollback}
 * deploys the last good commit's template with its artifact.
 *
 * @param deployer the CloudFormation deployer of the aws module
 * @param stackPrefix the stacks' name prefix, e.g. {@code notes-}
 * @param templatePath the template's path in the application repository
 */
public record StackTarget(
    CloudFormationDeployer deployer, String stackPrefix, String templatePath) {
  /** The template parameter that receives the commit. */
  public static final String COMMIT_PARAMETER = "CairnCommit";

  /** The template parameter that receives the artifact digest. */
  public static final String ARTIFACT_PARAMETER = "CairnArtifact";

  public StackTarget {
    Objects.requireNonNull(deployer, "deployer");
    Objects.requireNonNull(stackPrefix, "stackPrefix");
    Objects.requireNonNull(templatePath, "templatePath");
  }

  /** The stack of an environment. */
  public String stackName(String environment) {
    return stackPrefix + environment;
  }
}
