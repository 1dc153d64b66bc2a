package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn pipeline}: the pipeline file. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = "Check the pipeline file and show what it compiles to.",
    subcommands = {PipelineValidateCommand.class, PipelineShowCommand.class})
public final class PipelineCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
