package dev.cairn.aws.cli;

import dev.cairn.cli.CairnVersion;
import dev.cairn.cli.ErrorHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cairn aws}: Cairn on AWS, as CloudFormation templates from the CDK app (docs/aws.md). Its
 * own entry point (the launcher runs it for {@code ./cairn aws ...}), so that the CDK stays off the
 * class path of the rest of the command line.
 */
@Command(
    name = "cairn aws",
    mixinStandardHelpOptions = true,
    versionProvider = CairnVersion.class,
    description = "Synthesize and deploy Cairn's AWS stacks (see docs/aws.md).",
    subcommands = {AwsSynthCommand.class, AwsDeployCommand.class, AwsNotesTemplateCommand.class})
public final class AwsCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** Runs {@code cairn aws} with the arguments after {@code aws} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs {@code cairn aws} and returns its exit code; used by tests. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new AwsCommand());
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
