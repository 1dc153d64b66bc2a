package dev.cairn.aws.infra;

import dev.cairn.aws.batch.BuildHandOff;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.CfnProject;
import software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codebuild.LoggingOptions;
import software.amazon.awscdk.services.codebuild.Project;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;

/**
 * Per repository, the CodeBuild project {@code <prefix>-<repo>-image} that builds the release image
 * of a pipeline with {@code build.image} (docs/aws.md, "Release images"). The privileged runner
 * starts it with the build context the unprivileged build job produced (a zip file under {@code
 * <repo>/uploads/}, the source location overridden per build) and {@code IMAGE_TAG} (the commit),
 * {@code IMAGE_FILE} (the Containerfile in the archive) and {@code IMAGE_NETWORK} ({@code none}
 * unless {@code build.network}); the inline buildspec logs in to ECR, builds and pushes {@code
 * <repository>:<commit>}. Privileged mode runs the Docker daemon.
 *
 * <p>Its role may read the repository's uploads (and use the bucket's key), push to the
 * repository's ECR repository only and write its own log group: no secret, no other object, no
 * queue. The privileged runner's role may start and follow builds of this project and read its log
 * group; the build job's role may not (it could otherwise build and push an image of its choosing
 * without the runner).
 */
final class ImageBuildProject {
  /** The variable of the runner's job definition naming the project. */
  static final String PROJECT_VARIABLE = "CAIRN_IMAGE_PROJECT";

  private ImageBuildProject() {}

  /** The commands of the inline buildspec, in order. */
  static final List<String> LOGIN =
      List.of(
          "test -n \"$IMAGE_REPOSITORY\" && test -n \"$IMAGE_TAG\" && test -n \"$IMAGE_FILE\"",
          "aws ecr get-login-password --region \"$AWS_REGION\""
              + " | docker login --username AWS --password-stdin \"${IMAGE_REPOSITORY%%/*}\"");

  static final List<String> BUILD =
      List.of(
          "docker build --network \"${IMAGE_NETWORK:-none}\" -f \"$IMAGE_FILE\""
              + " --label \"cairn.commit=$IMAGE_TAG\" -t \"$IMAGE_REPOSITORY:$IMAGE_TAG\" .",
          // In the build phase, not post_build: post_build runs after a failed build too.
          "docker push \"$IMAGE_REPOSITORY:$IMAGE_TAG\"");

  /**
   * Makes the project, its role and log group, and lets {@code runner} start and follow it.
   *
   * @return the project
   */
  static Project create(
      PipelineStack stack,
      RepositoryConfig repository,
      String id,
      Repository images,
      IRole runner) {
    String name = stack.config.prefix() + "-" + repository.name() + "-image";
    LogGroup logs =
        stack.logGroup(id + "ImageBuildLogs", "/" + stack.config.prefix() + "/codebuild/" + name);
    Role role =
        Role.Builder.create(stack, id + "ImageBuildRole")
            .assumedBy(new ServicePrincipal("codebuild.amazonaws.com"))
            .description("Builds and pushes the release images of " + repository.github())
            .build();
    Map<String, Object> phases = new LinkedHashMap<>();
    phases.put("pre_build", Map.of("commands", LOGIN));
    phases.put("build", Map.of("commands", BUILD));
    Map<String, Object> buildSpec = new LinkedHashMap<>();
    buildSpec.put("version", "0.2");
    buildSpec.put("phases", phases);
    Project project =
        Project.Builder.create(stack, id + "ImageBuild")
            .projectName(name)
            .description("Builds the release images of " + repository.github() + " for Cairn")
            .role(role)
            .buildSpec(BuildSpec.fromObject(buildSpec))
            .environment(dockerBuildEnvironment())
            .environmentVariables(
                Map.of(
                    "IMAGE_REPOSITORY",
                    BuildEnvironmentVariable.builder().value(images.getRepositoryUri()).build()))
            .encryptionKey(stack.key)
            .timeout(Duration.hours(1))
            .logging(
                LoggingOptions.builder()
                    .cloudWatch(CloudWatchLoggingOptions.builder().logGroup(logs).build())
                    .build())
            .build();
    // The source is an S3 zip file whose location each build overrides. Declared here rather than
    // with Source.s3, whose grant reads the whole prefix with wildcard actions (s3:GetObject*,
    // s3:List*); the role gets exactly what CodeBuild needs below.
    String uploads = repository.name() + "/" + BuildHandOff.UPLOADS;
    CfnProject source = (CfnProject) project.getNode().getDefaultChild();
    source.addPropertyOverride("Source.Type", "S3");
    source.addPropertyOverride("Source.Location", stack.artifacts.getBucketName() + "/" + uploads);
    PipelineStack.allowIn(
        role,
        List.of("s3:GetObject", "s3:GetObjectVersion"),
        stack.artifacts.arnForObjects(uploads + "*"));
    // The token is account-wide by AWS's design; pushing is this repository only.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("ecr:GetAuthorizationToken"))
            .resources(List.of("*"))
            .build());
    PipelineStack.allowIn(
        role,
        List.of(
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "ecr:InitiateLayerUpload",
            "ecr:UploadLayerPart",
            "ecr:CompleteLayerUpload",
            "ecr:PutImage"),
        images.getRepositoryArn());

    // The runner starts and follows the builds, reads their log and the pushed image's digest, and
    // stops its build when it is terminated itself.
    PipelineStack.allowIn(
        runner,
        List.of("codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"),
        project.getProjectArn());
    PipelineStack.allowIn(runner, List.of("logs:GetLogEvents"), logs.getLogGroupArn());
    PipelineStack.allowIn(runner, List.of("ecr:DescribeImages"), images.getRepositoryArn());

    Nag.suppress(
        project,
        "AwsSolutions-CB3",
        "Privileged mode runs the Docker daemon that builds the release image; the build runs the"
            + " repository's Containerfile on the context its unprivileged build job produced, with"
            + " a role that may only read that context and push to the repository's ECR"
            + " repository.");
    Nag.suppressIam5(
        role,
        "ecr:GetAuthorizationToken has no resource-level permissions (AWS design); the build"
            + " contexts are objects under <repo>/uploads/ whose keys hold a per-build ticket; CDK's"
            + " default CodeBuild policy scopes logs and report groups to this project with a"
            + " trailing wildcard for their streams and reports, and grants the project's key"
            + " (GenerateDataKey*, ReEncrypt*).",
        "^Resource::\\*$",
        "^Resource::<Artifacts[A-Za-z0-9]+\\.Arn>/" + uploads + "\\*$",
        "^Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<"
            + id
            + "ImageBuild[A-Z0-9]+>:\\*$",
        "^Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<"
            + id
            + "ImageBuild[A-Z0-9]+>-\\*$",
        "^Action::kms:(GenerateDataKey|ReEncrypt)\\*$");
    return project;
  }

  /**
   * The build environment of Cairn's CodeBuild projects that build images (the release images here,
   * the runner and Lambda images in {@link ImagesStack}): the standard image, small, and
   * privileged, since Docker builds need the Docker daemon.
   */
  static BuildEnvironment dockerBuildEnvironment() {
    return BuildEnvironment.builder()
        .buildImage(LinuxBuildImage.STANDARD_7_0)
        .computeType(ComputeType.SMALL)
        .privileged(true)
        .build();
  }
}
