package dev.cairn.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn service install}: writes {@code cairn.service}, a systemd unit running this
 * checkout's {@code cairn serve} with the given options, and enables and starts it where systemd
 * runs. The unit holds no secrets: tokens stay in CAIRN_HOME's stores, which serve reads.
 */
@Command(
    name = "install",
    mixinStandardHelpOptions = true,
    description = {
      "Install cairn serve, with these options, as the systemd service cairn.service.",
      "Writes the unit, then enables and starts it (where systemd is not running: prints the"
          + " unit and the commands)."
    })
public final class ServiceInstallCommand implements Callable<Integer> {
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

  @Option(
      names = "--repo",
      required = true,
      paramLabel = "PATH|URL",
      description = "The application repository, as for cairn serve.")
  String repository;

  @Option(
      names = "--branch",
      defaultValue = "main",
      description = "The branch to deploy, as for cairn serve (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(
      names = "--poll",
      defaultValue = "5s",
      paramLabel = "DURATION",
      description =
          "How often to check the remote, as for cairn serve (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "The address of Cairn's HTTP port, as for cairn serve (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "7070",
      description = "Cairn's HTTP port, as for cairn serve (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--build-env-file",
      paramLabel = "FILE",
      description =
          "NAME=VALUE lines every build and migration gets (values stay out of the unit).")
  Path buildEnvFile;

  @Option(names = "--allow-host", paramLabel = "NAME", description = "As for cairn serve.")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--insecure-no-sandbox", description = "As for cairn serve.")
  boolean insecureNoSandbox;

  @Option(names = "--no-audit", description = "As for cairn serve.")
  boolean noAudit;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      description = "The user the service runs as (default: root, systemd's default).")
  String user;

  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "The service's CAIRN_HOME (default: this shell's, ~/.cairn if unset).")
  Path home;

  @Option(
      names = "--unit-dir",
      paramLabel = "DIR",
      description =
          "Where to write cairn.service (default: /etc/systemd/system; elsewhere, systemctl is"
              + " not run and the commands are printed).")
  Path unitDir = SystemdUnit.SYSTEM_UNIT_DIR;

  @Option(
      names = "--launcher",
      paramLabel = "FILE",
      description = "The cairn launcher the unit runs (default: this checkout's).")
  Path launcher;

  @Override
  public Integer call() throws IOException {
    String unit = render();
    Path file = unitDir.resolve(SystemdUnit.NAME);
    boolean unchanged = Files.isRegularFile(file) && SystemdUnit.read(file).equals(unit);
    if (!unchanged) {
      try {
        Files.createDirectories(unitDir);
        Files.writeString(file, unit, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UserInputException(
            "cannot write "
                + file
                + ": "
                + e.getMessage()
                + " (installing needs root, or --unit-dir)");
      }
    }
    System.out.println(
        "cairn: " + (unchanged ? "unit unchanged: " : "wrote ") + file.toAbsolutePath());
    if (SystemdUnit.managed(unitDir)) {
      for (String[] step :
          List.of(
              new String[] {"daemon-reload"},
              new String[] {"enable", SystemdUnit.NAME},
              new String[] {unchanged ? "start" : "restart", SystemdUnit.NAME})) {
        int status = SystemdUnit.systemctl(step);
        if (status != 0) {
          System.err.println(
              "cairn: systemctl " + String.join(" ", step) + " failed (exit " + status + ")");
          return ExitCodes.INTERNAL_ERROR;
        }
      }
      System.out.println(
          "cairn: cairn.service is enabled and running; see it with: cairn service status");
      return ExitCodes.OK;
    }
    System.out.println();
    System.out.print(unit);
    System.out.println();
    System.out.println(
        SystemdUnit.systemdRunning()
            ? "cairn: the unit is outside systemd's unit directory, so it was not enabled."
            : "cairn: systemd is not running here, so the unit was not enabled.");
    System.out.println("cairn: on a machine with systemd, put it in /etc/systemd/system and run:");
    System.out.println("  systemctl daemon-reload");
    System.out.println("  systemctl enable --now " + SystemdUnit.NAME);
    return ExitCodes.OK;
  }

  /** The unit's text, after checking every option; a bad one is a {@link UserInputException}. */
  String render() {
    RepositoryArgument.refuseEmbeddedCredentials(repository);
    if (dev.cairn.pipeline.file.Durations.parse(poll).isEmpty()) {
      throw new UserInputException("--poll: '" + poll + "' is not a duration like 5s or 1m");
    }
    if (port < 1 || port > 65535) {
      throw new UserInputException("--port: " + port + " is not a port (1 to 65535)");
    }
    if (branch.isBlank()) {
      throw new UserInputException("--branch: empty");
    }
    if (user != null && !USER.matcher(user).matches()) {
      throw new UserInputException(
          "--user: '" + user + "' is not a user name (lower-case letters, digits, '_' and '-')");
    }
    Path cairnHome = (home != null ? home : CairnHome.path()).toAbsolutePath().normalize();
    Path executable =
        (launcher != null ? launcher : defaultLauncher()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      throw new UserInputException(
          "--launcher: " + executable + " is not an executable file (the cairn launcher)");
    }
    List<String> command = new ArrayList<>(List.of(executable.toString(), "serve"));
    command.addAll(List.of("--repo", localOrUrl(repository), "--branch", branch));
    command.addAll(List.of("--poll", poll, "--host", host, "--port", Integer.toString(port)));
    if (buildEnvFile != null) {
      Path envFile = buildEnvFile.toAbsolutePath().normalize();
      if (!Files.isRegularFile(envFile)) {
        throw new UserInputException("--build-env-file: no file " + envFile);
      }
      command.addAll(List.of("--build-env-file", envFile.toString()));
    }
    for (String allowed : allowHosts) {
      command.addAll(List.of("--allow-host", allowed));
    }
    if (insecureNoSandbox) {
      command.add("--insecure-no-sandbox");
    }
    if (noAudit) {
      command.add("--no-audit");
    }
    StringBuilder text = new StringBuilder();
    text.append("# Written by `cairn service install`; remove with `cairn service uninstall`.\n");
    text.append("[Unit]\n");
    text.append("Description=Cairn: the GitOps loop (cairn serve)\n");
    text.append("Wants=network-online.target\n");
    text.append("After=network-online.target\n\n");
    text.append("[Service]\n");
    text.append("Type=simple\n");
    if (user != null) {
      text.append("User=").append(user).append('\n');
    }
    text.append("Environment=").append(SystemdUnit.quote("CAIRN_HOME=" + cairnHome)).append('\n');
    text.append("ExecStart=")
        .append(String.join(" ", command.stream().map(SystemdUnit::quote).toList()))
        .append('\n');
    text.append("Restart=on-failure\n");
    text.append("RestartSec=2\n");
    text.append(
        "# Releases and proxies are detached and re-adopted by the next serve: stopping or\n"
            + "# restarting the service must not take them down with it.\n");
    text.append("KillMode=process\n\n");
    text.append("[Install]\n");
    text.append("WantedBy=multi-user.target\n");
    return text.toString();
  }

  /** A local repository as an absolute path (the service's working directory is not this one). */
  private static String localOrUrl(String repository) {
    boolean url = repository.contains("://") || repository.matches("[^/]+@[^/:]+:.*");
    return url ? repository : Path.of(repository).toAbsolutePath().normalize().toString();
  }

  /** The launcher of the checkout this jar was built in ({@code cli/target/cairn.jar}). */
  private static Path defaultLauncher() {
    String root = System.getenv("CAIRN_ROOT");
    if (root != null && !root.isBlank()) {
      return Path.of(root, "cairn");
    }
    try {
      Path jar =
          Path.of(
              ServiceInstallCommand.class
                  .getProtectionDomain()
                  .getCodeSource()
                  .getLocation()
                  .toURI());
      Path module = jar.getParent() == null ? null : jar.getParent().getParent();
      Path candidate =
          module == null || module.getParent() == null
              ? Path.of("cairn")
              : module.getParent().resolve("cairn");
      return candidate;
    } catch (java.net.URISyntaxException | SecurityException e) {
      return Path.of("cairn");
    }
  }
}
