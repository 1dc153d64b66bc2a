package dev.cairn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn service uninstall}: stops, disables and removes cairn.service. Releases and proxies
 * keep running (the unit's KillMode=process); CAIRN_HOME is left as it is.
 */
@Command(
    name = "uninstall",
    mixinStandardHelpOptions = true,
    description = {
      "Stop, disable and remove cairn.service. Releases, proxies and CAIRN_HOME are kept."
    })
public final class ServiceUninstallCommand implements Callable<Integer> {
  @Option(
      names = "--unit-dir",
      paramLabel = "DIR",
      description = "Where cairn.service was written (default: /etc/systemd/system).")
  Path unitDir = SystemdUnit.SYSTEM_UNIT_DIR;

  @Override
  public Integer call() {
    Path file = unitDir.resolve(SystemdUnit.NAME);
    if (!Files.isRegularFile(file)) {
      System.out.println("cairn: the service is not installed (no " + file.toAbsolutePath() + ")");
      return ExitCodes.OK;
    }
    boolean managed = SystemdUnit.managed(unitDir);
    if (managed) {
      int status = SystemdUnit.systemctl("disable", "--now", SystemdUnit.NAME);
      if (status != 0) {
        System.err.println("cairn: systemctl disable --now failed (exit " + status + ")");
        return ExitCodes.INTERNAL_ERROR;
      }
    }
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UserInputException("cannot remove " + file + ": " + e.getMessage());
    }
    if (managed) {
      SystemdUnit.systemctl("daemon-reload");
    }
    System.out.println("cairn: removed " + file.toAbsolutePath());
    return ExitCodes.OK;
  }
}
