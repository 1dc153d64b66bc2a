package dev.cairn.aws.runner;

import dev.cairn.aws.codebuild.CodeBuildClient;
import dev.cairn.aws.codebuild.CodeBuildImages;
import dev.cairn.aws.config.LambdaSettings;
import dev.cairn.pipeline.port.ContainerImages;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The privileged runner's {@link ContainerImages}: {@link CodeBuildImages} with the repository's
 * image project and ECR repository, when the job definition names them (the pipeline stack does).
 */
final class RunnerImages {
  /** The CodeBuild project that builds the repository's release images. */
  static final String IMAGE_PROJECT = "CAIRN_IMAGE_PROJECT";

  /** The repository's ECR repository (URI) the project pushes to. */
  static final String IMAGE_REPOSITORY = "CAIRN_IMAGE_REPOSITORY";

  private RunnerImages() {}

  /**
   * The image builder the environment describes, or null when it names no image project (then a
   * pipeline with {@code build.image} fails its build saying what is missing).
   *
   * @throws IllegalStateException when the project is named without the repository
   */
  static ContainerImages fromEnvironment(
      Map<String, String> environment, S3Client s3, String bucket, String prefix, Path work) {
    LambdaSettings settings = new LambdaSettings(environment);
    if (settings.optional(IMAGE_PROJECT).isEmpty()) {
      return null;
    }
    String project = settings.require(IMAGE_PROJECT);
    String repository = settings.require(IMAGE_REPOSITORY);
    return CodeBuildImages.builder()
        .codeBuild(CodeBuildClient.create())
        .ecr(EcrClient.create())
        .logs(CloudWatchLogsClient.create())
        .s3(s3)
        .bucket(bucket)
        .prefix(prefix)
        .project(project)
        .repositoryUri(repository)
        .work(work)
        .build();
  }
}
