package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn aws}: Cairn on AWS, as CloudFormation templates from the CDK app (docs/aws.md). */
@Command(
    name = "aws",
    mixinStandardHelpOptions = true,
    description = "Synthesize and deploy Cairn's AWS stacks (see docs/aws.md).",
    subcommands = {AwsSynthCommand.class, AwsDeployCommand.class})
public final class AwsCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
