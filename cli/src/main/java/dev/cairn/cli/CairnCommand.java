package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command: the entry point of every subcommand. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = CairnVersion.class,
    description = "GitOps deployment pipeline with an embedded Amazon States Language engine.")
public final class CairnCommand implements Runnable {
  /** In the order of the usage listing; {@code help} comes last, added with all of them. */
  private static final Subcommands SUBCOMMANDS =
      new Subcommands()
          .add("demo", DemoCommand::new)
          .add("serve", ServeCommand::new)
          .add("status", StatusCommand::new)
          .add("runs", RunsCommand::new)
          .add("logs", LogsCommand::new)
          .add("history", HistoryCommand::new)
          .add("show", RecordShowCommand::new)
          .add("metrics", MetricsCommand::new)
          .add("audit", AuditCommand::new)
          .add("deploy", DeployCommand::new)
          .add("rollback", RollbackCommand::new)
          .add("secrets", SecretsCommand::new)
          .add("init", InitCommand::new)
          .add("pipeline", PipelineCommand::new)
          .addLine("states", StatesCommand::commandLine)
          .add("aws", AwsCommand::new)
          .add("runner", RunnerCommand::new)
          .add("service", ServiceCommand::new);

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** Runs the CLI and exits with its exit code (see docs/cli.md). */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code; used by tests. */
  public static int run(String... args) {
    StatesRunCommand plainRun = PlainStatesRun.parse(args);
    if (plainRun != null) {
      return PlainStatesRun.run(plainRun);
    }
    CommandLine commandLine = commandLine(args);
    commandLine.setExecutionExceptionHandler(new ErrorHandler());
    commandLine.setExitCodeExceptionMapper(ErrorHandler::exitCodeOf);
    return commandLine.execute(args);
  }

  /**
   * The command line for these arguments: with only the subcommand they name when they name one
   * (see {@link Subcommands}), else with all of them.
   */
  static CommandLine commandLine(String... args) {
    CommandLine commandLine = new CommandLine(new CairnCommand());
    if (SUBCOMMANDS.registerOn(commandLine, args, 0)) {
      commandLine.addSubcommand("help", new CommandLine.HelpCommand());
    }
    return commandLine;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
