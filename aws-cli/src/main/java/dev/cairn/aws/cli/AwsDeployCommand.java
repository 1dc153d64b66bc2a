package dev.cairn.aws.cli;

import dev.cairn.aws.infra.CairnAwsConfig;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cairn aws deploy}: synthesizes the stacks, then deploys them with the AWS CDK command line
 * ({@code npx aws-cdk deploy --app DIR}). It checks first that {@code npx} and AWS credentials are
 * there, and says what is missing if not.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description =
        "Synthesize, then deploy Cairn's AWS stacks with the AWS CDK CLI (npx aws-cdk deploy).")
public final class AwsDeployCommand implements Callable<Integer> {
  /** The AWS CDK CLI package npx runs (its major version 2 reads the assemblies CDK 2 writes). */
  static final String CDK_CLI = "aws-cdk@2";

  @Mixin AwsAssemblyOptions assembly = new AwsAssemblyOptions();

  @Option(
      names = "--image-tag",
      paramLabel = "TAG",
      description = "The runner and Lambda image tag the pipeline stack runs.")
  String imageTag;

  @Option(
      names = "--skip-credential-check",
      description =
          "Deploy even if no credentials are visible here (e.g. an EC2 or ECS instance role).")
  boolean skipCredentialCheck;

  @Parameters(
      paramLabel = "STACK",
      arity = "0..*",
      description =
          "The stacks to deploy (default: the images and pipeline stacks; the application"
              + " stacks are deployed by the pipeline's apply job).")
  List<String> stacks = new ArrayList<>();

  Map<String, String> environment = System.getenv();
  Path home = Path.of(System.getProperty("user.home"));

  @Override
  public Integer call() throws IOException, InterruptedException {
    Optional<Path> npx = AwsSynthCommand.findExecutable("npx", environment);
    if (npx.isEmpty()) {
      throw new UserInputException(
          "npx is not on the PATH: cairn aws deploy runs the AWS CDK CLI with npx. Install"
              + " Node.js 18+ (it brings npx), or deploy the templates of `cairn aws synth` with"
              + " CloudFormation yourself (docs/aws.md, Deploying).");
    }
    if (!skipCredentialCheck && !hasCredentials()) {
      throw new UserInputException(
          "no AWS credentials found (AWS_ACCESS_KEY_ID, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE,"
              + " container credentials, or ~/.aws/credentials and ~/.aws/config). Configure"
              + " them (e.g. `aws configure sso`), or pass --skip-credential-check on a machine"
              + " with an instance role.");
    }
    AwsSynthCommand.Result result = AwsSynthCommand.synth(assembly, environment);
    System.out.println(
        "Synthesized " + result.templates().size() + " templates into " + assembly.out);
    if (AwsSynthCommand.reportFindings(result) != ExitCodes.OK) {
      System.err.println("cairn: not deploying templates with cdk-nag findings");
      return ExitCodes.EXECUTION_NOT_SUCCEEDED;
    }
    List<String> command = command(npx.get(), result.configuration());
    System.out.println("Running: " + String.join(" ", command));
    Process process = new ProcessBuilder(command).inheritIO().start();
    return process.waitFor() == 0 ? ExitCodes.OK : ExitCodes.EXECUTION_NOT_SUCCEEDED;
  }

  /** The CDK CLI command line. */
  List<String> command(Path npx, CairnAwsConfig configuration) {
    List<String> command = new ArrayList<>();
    command.add(npx.toString());
    command.add("--yes");
    command.add(CDK_CLI);
    command.add("deploy");
    command.add("--app");
    command.add(assembly.out.toAbsolutePath().toString());
    if (stacks.isEmpty()) {
      command.add(configuration.imagesStackName());
      command.add(configuration.pipelineStackName());
    } else {
      command.addAll(stacks);
    }
    if (imageTag != null) {
      command.add("--parameters");
      command.add(configuration.pipelineStackName() + ":ImageTag=" + imageTag);
    }
    return command;
  }

  /** Whether the AWS SDK's usual credential sources hold anything (their content is not read). */
  boolean hasCredentials() {
    for (String variable :
        List.of(
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      String value = environment.get(variable);
      if (value != null && !value.isBlank()) {
        return true;
      }
    }
    return Files.isRegularFile(home.resolve(".aws/credentials"))
        || Files.isRegularFile(home.resolve(".aws/config"));
  }
}
