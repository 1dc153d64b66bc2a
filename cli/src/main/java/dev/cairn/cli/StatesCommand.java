package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn states}: the local Step Functions. */
@Command(
    name = "states",
    mixinStandardHelpOptions = true,
    description = "Run and inspect Amazon States Language state machines locally.",
    subcommands = {
      StatesRunCommand.class,
      StatesValidateCommand.class,
      StatesStartCommand.class,
      StatesDescribeCommand.class,
      StatesListCommand.class,
      StatesHistoryCommand.class,
      StatesStopCommand.class,
      StatesTestStateCommand.class
    })
public final class StatesCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
