package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn service}: the unit it writes, idempotently, and removes. The unit directory is a
 * temporary one, which systemctl never acts on, so the tests behave alike with or without systemd.
 */
class ServiceCommandTest {
  @TempDir Path temp;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;
  private Path units;
  private Path launcher;
  private Path repository;

  @BeforeEach
  void setUp() throws IOException {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    units = temp.resolve("units");
    launcher = Files.writeString(temp.resolve("cairn"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    repository = Files.createDirectories(temp.resolve("my app"));
  }

  @AfterEach
  void restore() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  private int install(String... extra) {
    String[] base = {
      "service",
      "install",
      "--unit-dir",
      units.toString(),
      "--launcher",
      launcher.toString(),
      "--home",
      temp.resolve("home").toString(),
      "--repo",
      repository.toString()
    };
    String[] arguments = new String[base.length + extra.length];
    System.arraycopy(base, 0, arguments, 0, base.length);
    System.arraycopy(extra, 0, arguments, base.length, extra.length);
    return CairnCommand.run(arguments);
  }

  @Test
  void installWritesTheUnitAndPrintsWhatToRunWithoutSystemd() throws IOException {
    int code = install("--user", "cairn", "--port", "8080", "--allow-host", "ci.example.org");

    assertThat(code).isZero();
    String unit = Files.readString(units.resolve("cairn.service"));
    assertThat(unit)
        .isEqualTo(
            "# Written by `cairn service install`; remove with `cairn service uninstall`.\n"
                + "[Unit]\n"
                + "Description=Cairn: the GitOps loop (cairn serve)\n"
                + "Wants=network-online.target\n"
                + "After=network-online.target\n\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "User=cairn\n"
                + "Environment=CAIRN_HOME="
                + temp.resolve("home")
                + "\n"
                + "ExecStart="
                + launcher
                + " serve --repo \""
                + repository
                + "\" --branch main --poll 5s --host 127.0.0.1 --port 8080"
                + " --allow-host ci.example.org\n"
                + "Restart=on-failure\n"
                + "RestartSec=2\n"
                + "# Releases and proxies are detached and re-adopted by the next serve: stopping"
                + " or\n# restarting the service must not take them down with it.\n"
                + "KillMode=process\n\n"
                + "[Install]\n"
                + "WantedBy=multi-user.target\n");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .contains(
            "wrote " + units.resolve("cairn.service"), unit, "systemctl enable --now cairn.service")
        .contains("so the unit was not enabled");
  }

  @Test
  void installingTwiceLeavesTheSameUnitAndSaysSo() throws IOException {
    assertThat(install()).isZero();
    String first = Files.readString(units.resolve("cairn.service"));
    out.reset();

    assertThat(install()).isZero();

    assertThat(Files.readString(units.resolve("cairn.service"))).isEqualTo(first);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("unit unchanged");
    assertThat(install("--branch", "release")).isZero();
    assertThat(Files.readString(units.resolve("cairn.service")))
        .contains("--branch release")
        .doesNotContain("--branch main");
  }

  @Test
  void statusAndUninstallFollowTheUnit() {
    assertThat(CairnCommand.run("service", "status", "--unit-dir", units.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("the service is not installed");
    assertThat(install()).isZero();
    out.reset();

    assertThat(CairnCommand.run("service", "status", "--unit-dir", units.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("installed as " + units.resolve("cairn.service"));

    assertThat(CairnCommand.run("service", "uninstall", "--unit-dir", units.toString())).isZero();
    assertThat(units.resolve("cairn.service")).doesNotExist();
    out.reset();
    assertThat(CairnCommand.run("service", "uninstall", "--unit-dir", units.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("the service is not installed");
  }

  @Test
  void badOptionsAreRefusedClearlyAndWriteNothing() {
    assertThat(install("--user", "Root Admin")).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(install("--port", "70000")).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(install("--poll", "soon")).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(
            CairnCommand.run(
                "service",
                "install",
                "--unit-dir",
                units.toString(),
                "--launcher",
                launcher.toString(),
                "--repo",
                "https://me:s3cret@git.example.org/app.git"))
        .isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(
            CairnCommand.run(
                "service",
                "install",
                "--unit-dir",
                units.toString(),
                "--launcher",
                temp.resolve("missing").toString(),
                "--repo",
                repository.toString()))
        .isEqualTo(ExitCodes.INVALID_INPUT);

    String errors = err.toString(StandardCharsets.UTF_8);
    assertThat(errors)
        .contains("--user: 'Root Admin' is not a user name")
        .contains("--port: 70000 is not a port")
        .contains("--poll: 'soon' is not a duration")
        .contains("--repo: the URL carries a password or token")
        .contains("--launcher: " + temp.resolve("missing") + " is not an executable file")
        .doesNotContain("s3cret")
        .doesNotContain("Exception");
    assertThat(units).doesNotExist();
  }
}
