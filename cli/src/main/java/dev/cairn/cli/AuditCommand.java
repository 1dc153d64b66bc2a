package dev.cairn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cairn audit}: commands about the audit trail's integrity. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Check the audit trail (the cairn/audit branch).",
    subcommands = {AuditVerifyCommand.class})
public final class AuditCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
