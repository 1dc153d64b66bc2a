package dev.cairn.cli;

import dev.cairn.aws.infra.AwsConfigException;
import dev.cairn.aws.infra.CairnAwsApp;
import dev.cairn.aws.infra.CairnAwsConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn aws synth}: runs the CDK app in-process and writes the CloudFormation templates (a
 * CDK cloud assembly) to a directory.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = "Write the CloudFormation templates of Cairn's AWS stacks (needs Node.js 18+).")
public final class AwsSynthCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "cairn-aws.yml",
      description = "The AWS configuration (default: ${DEFAULT-VALUE}).")
  Path config = Path.of("cairn-aws.yml");

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "cdk.out",
      description = "Where the templates go (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("cdk.out");

  /**
   * What a synth produced.
   *
   * @param templates the CloudFormation templates written
   * @param findings cdk-nag's unsuppressed findings (and any other error or warning), one line each
   */
  record Result(List<Path> templates, List<String> findings) {}

  @Override
  public Integer call() {
    Result result = synth(config, out, System.getenv());
    System.out.println("Wrote " + result.templates().size() + " templates to " + out + ":");
    result.templates().forEach(t -> System.out.println("  " + t.getFileName()));
    return reportFindings(result);
  }

  /** Prints the findings on stderr; exit code 1 if there are any, else 0. */
  static int reportFindings(Result result) {
    if (result.findings().isEmpty()) {
      return ExitCodes.OK;
    }
    System.err.println(
        "cairn: cdk-nag reported "
            + result.findings().size()
            + " finding(s); fix them or suppress them with a reason (docs/aws.md, Security):");
    result.findings().forEach(f -> System.err.println("  " + f));
    return ExitCodes.EXECUTION_NOT_SUCCEEDED;
  }

  /**
   * Synthesizes the app configured by {@code config} into {@code out}.
   *
   * @throws UserInputException if the configuration is invalid or Node.js is missing
   */
  static Result synth(Path config, Path out, Map<String, String> environment) {
    if (findExecutable("node", environment).isEmpty()) {
      throw new UserInputException(
          "Node.js is not on the PATH: the CDK runs its core in Node.js (18 or newer) through"
              + " jsii. Install it and try again.");
    }
    if (!cdkInstalled()) {
      throw new UserInputException(
          "this installation of Cairn has no AWS CDK libraries (the runner image leaves them out):"
              + " run cairn aws from a full build (./cairn).");
    }
    CairnAwsConfig configuration;
    try {
      configuration = CairnAwsConfig.read(config);
      Files.createDirectories(out);
      // No CDK type may appear in this class's signatures (lambdas included): picocli reflects
      // on them, and the runner image has no CDK jars.
      CairnAwsApp app = CairnAwsApp.create(configuration, out);
      app.synth();
      return new Result(app.templates(), app.findings());
    } catch (AwsConfigException e) {
      throw new UserInputException(e.getMessage());
    } catch (java.io.IOException e) {
      throw new UserInputException("cannot create " + out + ": " + e.getMessage());
    }
  }

  /** Whether the CDK's jars are on the class path (the runner image has Cairn without them). */
  static boolean cdkInstalled() {
    try {
      Class.forName("software.amazon.awscdk.App", false, AwsSynthCommand.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** An executable named {@code name} on the environment's PATH. */
  static Optional<Path> findExecutable(String name, Map<String, String> environment) {
    String path = environment.getOrDefault("PATH", "");
    for (String directory : path.split(File.pathSeparator)) {
      if (directory.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(directory, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
