package dev.cairn.aws.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options {@code cairn aws synth} and {@code cairn aws deploy} share: the AWS configuration
 * file and the directory the templates (the CDK cloud assembly) are written to.
 */
final class AwsAssemblyOptions {
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
}
