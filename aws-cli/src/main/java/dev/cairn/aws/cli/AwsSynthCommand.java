package dev.cairn.aws.cli;

import dev.cairn.aws.infra.AwsConfigException;
import dev.cairn.aws.infra.CairnAwsApp;
import dev.cairn.aws.infra.CairnAwsConfig;
import dev.cairn.cli.ExitCodes;
import dev.cairn.cli.UserInputException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cairn aws synth}: runs the CDK app in-process and writes the CloudFormation templates (a
 * CDK cloud assembly) to a directory.
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = "Write the CloudFormation templates of Cairn's AWS stacks (needs Node.js 18+).")
public final class AwsSynthCommand implements Callable<Integer> {
  @Mixin AwsAssemblyOptions assembly = new AwsAssemblyOptions();

  /**
   * What a synth produced.
   *
   * @param templates the CloudFormation templates written
   * @param findings cdk-nag's unsuppressed findings (and any other error or warning), one line each
   * @param configuration the configuration the templates were synthesized from
   */
  record Result(List<Path> templates, List<String> findings, CairnAwsConfig configuration) {}

  @Override
  public Integer call() {
    Result result = synth(assembly, System.getenv());
    System.out.println(
        "Wrote " + result.templates().size() + " templates to " + assembly.out + ":");
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
   * Synthesizes the app configured by {@code assembly.config} into {@code assembly.out}.
   *
   * @throws UserInputException if the configuration is invalid or Node.js is missing
   */
  static Result synth(AwsAssemblyOptions assembly, Map<String, String> environment) {
    Path out = assembly.out;
    if (findExecutable("node", environment).isEmpty()) {
      throw new UserInputException(
          "Node.js is not on the PATH: the CDK runs its core in Node.js (18 or newer) through"
              + " jsii. Install it and try again.");
    }
    CairnAwsConfig configuration;
    try {
      configuration = CairnAwsConfig.read(assembly.config);
      Files.createDirectories(out);
      CairnAwsApp app = CairnAwsApp.create(configuration, out);
      app.synth();
      return new Result(app.templates(), app.findings(), configuration);
    } catch (AwsConfigException e) {
      throw new UserInputException(e.getMessage());
    } catch (java.io.IOException e) {
      throw new UserInputException("cannot create " + out + ": " + e.getMessage());
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
