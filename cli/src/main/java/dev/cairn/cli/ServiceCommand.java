package dev.cairn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code cairn service}: Cairn supervised by systemd, so {@code cairn serve} restarts when it fails
 * and starts at boot. Where systemd is not running, the commands print what to do instead.
 */
@Command(
    name = "service",
    mixinStandardHelpOptions = true,
    description = {
      "Run cairn serve as a systemd service: restarted on failure and started at boot.",
      "Releases and proxies are left running when the service stops and are re-adopted."
    },
    subcommands = {
      ServiceInstallCommand.class,
      ServiceStatusCommand.class,
      ServiceUninstallCommand.class
    })
public final class ServiceCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.out);
    return ExitCodes.OK;
  }
}
