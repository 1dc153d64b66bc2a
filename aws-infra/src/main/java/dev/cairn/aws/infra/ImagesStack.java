package dev.cairn.aws.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions;
import software.amazon.awscdk.services.codebuild.GitHubSourceProps;
import software.amazon.awscdk.services.codebuild.LoggingOptions;
import software.amazon.awscdk.services.codebuild.Project;
import software.amazon.awscdk.services.codebuild.Source;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The images stack: the ECR repositories of the runner image and the Lambda image, and the
 * CodeBuild project that builds both from Cairn's source with {@value #BUILDSPEC}. Deployed first:
 * the pipeline stack runs images that must already be in these repositories.
 */
public final class ImagesStack extends Stack {
  /** The buildspec, a path in Cairn's repository (written with the images, under aws/images/). */
  public static final String BUILDSPEC = "aws/images/buildspec.yml";

  private final Repository runnerRepository;
  private final Repository lambdaRepository;
  private final Project project;

  /** Defines the images stack. */
  public ImagesStack(Construct scope, String id, StackProps props, CairnAwsConfig config) {
    super(scope, id, props);
    String prefix = config.prefix();

    runnerRepository = repository("RunnerRepository", prefix + "-runner");
    lambdaRepository = repository("LambdaRepository", prefix + "-lambda");

    Key key =
        Key.Builder.create(this, "BuildKey")
            .description("Encrypts the build artifacts and logs of the Cairn image builds")
            .enableKeyRotation(true)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    LogGroup logs =
        LogGroup.Builder.create(this, "BuildLogs")
            .logGroupName("/" + prefix + "/codebuild/images")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    String[] source = config.imagesSource().split("/", 2);
    project =
        Project.Builder.create(this, "ImagesBuild")
            .projectName(prefix + "-images")
            .description("Builds the Cairn runner and Lambda images and pushes them to ECR")
            .source(
                Source.gitHub(
                    GitHubSourceProps.builder()
                        .owner(source[0])
                        .repo(source[1])
                        .branchOrRef(config.imagesSourceRef())
                        .cloneDepth(1)
                        .build()))
            .buildSpec(BuildSpec.fromSourceFilename(BUILDSPEC))
            .environment(ImageBuildProject.dockerBuildEnvironment())
            .environmentVariables(
                Map.of(
                    "RUNNER_REPOSITORY_URI",
                    variable(runnerRepository.getRepositoryUri()),
                    "LAMBDA_REPOSITORY_URI",
                    variable(lambdaRepository.getRepositoryUri()),
                    "AWS_ACCOUNT_ID",
                    variable(getAccount())))
            .encryptionKey(key)
            .timeout(Duration.minutes(30))
            .logging(
                LoggingOptions.builder()
                    .cloudWatch(CloudWatchLoggingOptions.builder().logGroup(logs).build())
                    .build())
            .build();

    // Push to the two repositories only; the token is account-wide by AWS's design.
    project.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("ecr:GetAuthorizationToken"))
            .resources(List.of("*"))
            .build());
    project.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of(
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:InitiateLayerUpload",
                    "ecr:UploadLayerPart",
                    "ecr:CompleteLayerUpload",
                    "ecr:PutImage"))
            .resources(
                List.of(runnerRepository.getRepositoryArn(), lambdaRepository.getRepositoryArn()))
            .build());
    Nag.suppress(
        project,
        "AwsSolutions-CB3",
        "Privileged mode runs the Docker daemon that builds the runner and Lambda images; the"
            + " project builds only Cairn's own source at a configured ref.");
    Nag.suppressIam5(
        project,
        "ecr:GetAuthorizationToken has no resource-level permissions (AWS design); the default"
            + " CodeBuild policy scopes logs and report groups to this project with a trailing"
            + " wildcard for their streams and reports.",
        "^Resource::\\*$",
        "^Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/codebuild/<ImagesBuild[A-Z0-9]+>:\\*$",
        "^Resource::arn:<AWS::Partition>:codebuild:<AWS::Region>:<AWS::AccountId>:report-group/<ImagesBuild[A-Z0-9]+>-\\*$",
        "^Action::kms:(GenerateDataKey|ReEncrypt)\\*$");
  }

  private Repository repository(String id, String name) {
    return Repository.Builder.create(this, id)
        .repositoryName(name)
        .imageScanOnPush(true)
        .imageTagMutability(TagMutability.IMMUTABLE)
        .lifecycleRules(
            List.of(
                LifecycleRule.builder()
                    .description("Keep the 50 newest images; rollback needs recent ones only")
                    .maxImageCount(50)
                    .build()))
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
  }

  private static BuildEnvironmentVariable variable(String value) {
    return BuildEnvironmentVariable.builder().value(value).build();
  }

  /** The repository of the runner image (Batch jobs). */
  public Repository runnerRepository() {
    return runnerRepository;
  }

  /** The repository of the Lambda image (every Cairn function, one handler each). */
  public Repository lambdaRepository() {
    return lambdaRepository;
  }

  /** The CodeBuild project that builds the images. */
  public Project project() {
    return project;
  }
}
