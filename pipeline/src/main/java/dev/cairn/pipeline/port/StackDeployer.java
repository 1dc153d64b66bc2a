package dev.cairn.pipeline.port;

import java.util.Map;

/**
 * Deploys an environment that is a stack of the cloud's own (on AWS: a CloudFormation stack — ECS
 * on Fargate behind a load balancer) by handing it one commit's template and artifact. The stack's
 * own machinery (ECS's deployment circuit breaker, CloudFormation's rollback) keeps a release that
 * does not get healthy from taking traffic.
 */
public interface StackDeployer {
  /**
   * Deploys the release to its stack and waits until the stack is complete or failed.
   *
   * @return how it ended; a refused or rolled-back deployment is a {@link
   *     StackResult.Outcome#FAILED} result, not an exception
   * @throws InterruptedException when interrupted while waiting
   */
  StackResult deploy(StackRelease release) throws InterruptedException;

  /**
   * The stack's outputs as they are now (the contract between the runtime and an application's
   * template: {@code CairnCluster}, {@code CairnTargetGroup}, … see docs/aws.md).
   *
   * @return the outputs by name; empty when the stack does not exist or declares none
   */
  Map<String, String> outputs(String stackName);
}
