package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn states}: the local Step Functions. */
@Command(
    name = "states",
    mixinStandardHelpOptions = true,
    description = "Run and inspect Amazon States Language state machines locally.")
public final class StatesCommand implements Runnable {
  private static final Subcommands SUBCOMMANDS =
      new Subcommands()
          .add("run", StatesRunCommand::new)
          .add("validate", StatesValidateCommand::new)
          .add("start", StatesStartCommand::new)
          .add("describe", StatesDescribeCommand::new)
          .add("list", StatesListCommand::new)
          .add("history", StatesHistoryCommand::new)
          .add("stop", StatesStopCommand::new)
          .add("test-state", StatesTestStateCommand::new);

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** {@code cairn states} for the arguments of {@code cairn}: {@code args[0]} is "states". */
  static CommandLine commandLine(String[] args) {
    CommandLine commandLine = new CommandLine(new StatesCommand());
    SUBCOMMANDS.registerOn(commandLine, args, 1);
    return commandLine;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
