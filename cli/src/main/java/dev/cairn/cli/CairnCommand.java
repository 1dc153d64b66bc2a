package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: the entry point of every subcommand. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = CairnVersion.class,
    description = "GitOps deployment pipeline with an embedded Amazon States Language engine.",
    subcommands = {
      DemoCommand.class,
      ServeCommand.class,
      StatusCommand.class,
      RunsCommand.class,
      LogsCommand.class,
      HistoryCommand.class,
      RecordShowCommand.class,
      MetricsCommand.class,
      AuditCommand.class,
      DeployCommand.class,
      RollbackCommand.class,
      SecretsCommand.class,
      InitCommand.class,
      PipelineCommand.class,
      StatesCommand.class,
      AwsCommand.class,
      RunnerCommand.class,
      ServiceCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CairnCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its exit code (see docs/cli.md). */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; used by tests. */
  public static int run(String... args) {
    CommandLine commandLine = new CommandLine(new CairnCommand());
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
