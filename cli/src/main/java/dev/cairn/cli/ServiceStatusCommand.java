package dev.cairn.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn service status}: systemd's view of cairn.service, or that it is not installed. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show systemctl status of cairn.service, or say that it is not installed.")
public final class ServiceStatusCommand implements Callable<Integer> {
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
    if (SystemdUnit.managed(unitDir)) {
      // systemctl status exits 3 for a stopped unit: its output says so; this command succeeded.
      SystemdUnit.systemctl("status", "--no-pager", SystemdUnit.NAME);
      return ExitCodes.OK;
    }
    System.out.println("cairn: installed as " + file.toAbsolutePath());
    System.out.println(
        SystemdUnit.systemdRunning()
            ? "cairn: the unit is outside systemd's unit directory; systemd does not run it"
            : "cairn: systemd is not running here; the unit is not active");
    return ExitCodes.OK;
  }
}
