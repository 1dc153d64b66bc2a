package dev.cairn.aws.runner;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.aws.cloudformation.CloudFormationDeployer;
import dev.cairn.aws.codebuild.CodeBuildClient;
import dev.cairn.aws.codebuild.CodeBuildImages;
import dev.cairn.aws.codebuild.MotoProjects;
import dev.cairn.aws.ecs.AwsStackHealth;
import dev.cairn.aws.ecs.EcsStackTasks;
import dev.cairn.aws.testing.CloudWatchAlarmsStub;
import dev.cairn.aws.testing.EmulatorClients;
import dev.cairn.aws.testing.Moto;
import dev.cairn.aws.testing.MotoFront;
import dev.cairn.pipeline.runtime.DeployTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.ImageTagMutability;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The stack target of {@link EmulatedAws}: each environment is a stack of {@link MotoAppStack}'s
 * template, deployed through moto's CloudFormation by the runner's real adapters, and its releases
 * are images:
 *
 * <ul>
 *   <li>the image is built by {@link CodeBuildImages} (the build job's context uploaded to the
 *       bucket, StartBuild on the project, the digest read from ECR) against moto's CodeBuild
 *       behind a {@link MotoFront}, which does what the project's buildspec would and moto does
 *       not: it puts a manifest tagged with the commit into moto's ECR (tags immutable);
 *   <li>the migration is an ECS task on moto's ECS ({@link EcsStackTasks}): moto runs no container
 *       and reports the task STOPPED with exit code 0;
 *   <li>the bake is {@link AwsStackHealth}: the target group's health from moto's ELBv2 (the target
 *       ECS would register is registered when the stack is prepared; moto reports it healthy
 *       without checking), the alarms from a {@link CloudWatchAlarmsStub} (moto does not serve the
 *       SDK's CloudWatch protocol), whose 5xx alarm is in ALARM while the stack runs a commit the
 *       scenario says fails ({@link #prepare}).
 * </ul>
 */
final class EmulatedStack implements AutoCloseable {
  final String prefix;
  final CloudFormationClient cloudFormation = EmulatorClients.cloudFormation();
  final EcsClient ecs = EmulatorClients.ecs();
  final ElasticLoadBalancingV2Client elb = EmulatorClients.elasticLoadBalancing();
  final EcrClient ecr = EmulatorClients.ecr();
  final CloudWatchAlarmsStub alarms = new CloudWatchAlarmsStub();
  final MotoFront codeBuild;
  final String repositoryUri;
  private final CloudWatchClient cloudWatch = alarms.client();
  private final CodeBuildClient codeBuildClient;
  private final DeployTarget.Stack target;
  private final CodeBuildImages images;

  /**
   * A stack target for one emulated pipeline.
   *
   * @param app the pipeline's name (the stacks are {@code <app>-<id>-<environment>})
   * @param id what tells this pipeline's resources apart from other tests'
   */
  EmulatedStack(String app, String id, S3Client s3, String bucket, Path dir) {
    prefix = app + "-" + id + "-";
    String repository = "cairn/" + app + "-" + id;
    repositoryUri =
        ecr.createRepository(
                b -> b.repositoryName(repository).imageTagMutability(ImageTagMutability.IMMUTABLE))
            .repository()
            .repositoryUri();
    try {
      codeBuild = new MotoFront(Moto.endpoint());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // What the project's buildspec does once the image is built: push it, tagged by commit.
    codeBuild.onStart = (request, answer) -> push(repository, request);
    codeBuildClient =
        CodeBuildClient.of(codeBuild.endpoint(), Region.US_EAST_1, EmulatorClients.CREDENTIALS);
    String project = "cairn-" + app + "-" + id + "-image";
    MotoProjects.create(codeBuildClient, project, bucket + "/uploads/");
    images =
        CodeBuildImages.builder()
            .codeBuild(codeBuildClient)
            .ecr(ecr)
            .logs(EmulatorClients.logs())
            .s3(s3)
            .bucket(bucket)
            .prefix("")
            .project(project)
            .repositoryUri(repositoryUri)
            .work(dir.resolve("images"))
            .pollInterval(Duration.ofMillis(20))
            .build();
    target =
        new DeployTarget.Stack(
            CloudFormationDeployer.builder().cloudFormation(cloudFormation).pause(i -> {}).build(),
            prefix,
            repositoryUri,
            EcsStackTasks.builder()
                .ecs(ecs)
                .logs(EmulatorClients.logs())
                .logDirectory(dir.resolve("tasks"))
                .pollInterval(Duration.ofMillis(1))
                .pause(i -> {})
                .build(),
            new AwsStackHealth(elb, cloudWatch));
  }

  /** Puts a manifest naming the tag into ECR under the tag StartBuild asked for. */
  private void push(String repository, JsonNode request) {
    String tag = "";
    for (JsonNode variable : request.path("environmentVariablesOverride")) {
      if (variable.path("name").asText().equals("IMAGE_TAG")) {
        tag = variable.path("value").asText();
      }
    }
    String manifest =
        "{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\","
            + " \"annotations\": {\"commit\": \""
            + tag
            + "\"}}";
    String named = tag;
    ecr.putImage(b -> b.repositoryName(repository).imageManifest(manifest).imageTag(named));
  }

  /** The runner's target. */
  DeployTarget.Stack target() {
    return target;
  }

  /** The runner's image builder. */
  CodeBuildImages images() {
    return images;
  }

  /**
   * Creates an environment's stack as it is before its first release (see {@link
   * MotoAppStack#create}), with the target ECS would register, and its 5xx alarm in ALARM whenever
   * the stack runs a commit {@code failing} names.
   */
  void prepare(String environment, Predicate<String> failing) {
    String stack = target.stackName(environment);
    MotoAppStack.create(cloudFormation, stack);
    MotoAppStack.registerTarget(elb, cloudFormation, stack);
    alarms.alarmWhile(
        MotoAppStack.alarm(stack), () -> commit(environment).filter(failing).isPresent());
  }

  /** The commit the environment's stack runs (its {@code CairnCommit}), or empty. */
  Optional<String> commit(String environment) {
    String commit =
        MotoAppStack.parameters(cloudFormation, target.stackName(environment))
            .getOrDefault(DeployTarget.Stack.COMMIT_PARAMETER, "none");
    return commit.equals("none") ? Optional.empty() : Optional.of(commit);
  }

  /** The artifact the environment's stack runs: its {@code CairnImage} as Cairn names it. */
  Optional<String> artifact(String environment) {
    String image =
        MotoAppStack.parameters(cloudFormation, target.stackName(environment))
            .getOrDefault(DeployTarget.Stack.IMAGE_PARAMETER, "");
    return image.startsWith(repositoryUri + "@")
        ? Optional.of("image:" + image.substring(repositoryUri.length() + 1))
        : Optional.empty();
  }

  /**
   * The migration tasks that ran on the environment's cluster and stopped with exit code 0, oldest
   * first, by who started them ({@code <run>-migrate-<environment>}).
   */
  List<String> migrations(String environment) {
    Map<String, String> outputs =
        MotoAppStack.outputs(cloudFormation, target.stackName(environment));
    String cluster = outputs.get(DeployTarget.Stack.CLUSTER_OUTPUT);
    List<String> arns = ecs.listTasks(b -> b.cluster(cluster)).taskArns();
    if (arns.isEmpty()) {
      return List.of();
    }
    return ecs.describeTasks(b -> b.cluster(cluster).tasks(arns)).tasks().stream()
        .filter(t -> t.lastStatus().equals("STOPPED"))
        .filter(t -> t.containers().stream().allMatch(c -> Integer.valueOf(0).equals(c.exitCode())))
        .sorted(
            Comparator.comparing(Task::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())))
        .map(Task::startedBy)
        .toList();
  }

  @Override
  public void close() {
    codeBuild.close();
    codeBuildClient.close();
    cloudWatch.close();
    alarms.close();
    cloudFormation.close();
    ecs.close();
    elb.close();
    ecr.close();
  }
}
