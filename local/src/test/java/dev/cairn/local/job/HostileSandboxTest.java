package dev.cairn.local.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a hostile build step looks for inside the sandbox: the user's keys and cloud credentials,
 * the Docker socket and D-Bus in /run, and memory through an unbounded /tmp.
 */
class HostileSandboxTest {
  private Path root;
  private Path home;
  private Path workspace;

  @BeforeEach
  void setUp() throws IOException {
    // Outside /tmp (which the sandbox replaces anyway): a fake home with what attackers want.
    root =
        Files.createDirectories(Path.of("target", "hostile-sandbox", UUID.randomUUID().toString()))
            .toAbsolutePath();
    home = Files.createDirectories(root.resolve("home"));
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_ed25519"), "SSH-PRIVATE-KEY");
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), "AWS-SECRET-KEY");
    Files.writeString(home.resolve(".git-credentials"), "https://u:GIT-TOKEN@host");
    Files.createDirectories(home.resolve(".toolchain/bin"));
    Files.writeString(home.resolve(".toolchain/bin/tool"), "#!/bin/sh\necho tool-ran\n");
    home.resolve(".toolchain/bin/tool").toFile().setExecutable(true);
    Files.createDirectories(home.resolve(".local/bin"));
    Files.createDirectories(home.resolve(".local/share"));
    Files.writeString(home.resolve(".local/share/keyring"), "KEYRING-SECRET");
    Files.createDirectories(home.resolve(".m2/repository"));
    Files.writeString(home.resolve(".m2/settings.xml"), "<password>MAVEN-SECRET</password>");
    workspace = Files.createDirectories(root.resolve("workspace"));
  }

  @AfterEach
  void tearDown() throws IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Bubblewrap sandbox(long tmpBytes) {
    Bubblewrap bubblewrap =
        new Bubblewrap(Bubblewrap.locate(), List.of(), List.of(), home, tmpBytes);
    assumeTrue(
        bubblewrap.probe().isEmpty(),
        "bubblewrap is not usable on this machine (run scripts/ensure-packages.sh as root)");
    return bubblewrap;
  }

  private Result run(Bubblewrap bubblewrap, boolean network, String script) throws Exception {
    String path =
        home.resolve(".toolchain/bin") + ":" + home.resolve(".local/bin") + ":/usr/bin:/bin";
    List<String> command =
        bubblewrap.wrap(workspace.toRealPath(), network, path, List.of("/bin/sh", "-c", script));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", path);
    builder.environment().put("HOME", "/tmp");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  record Result(int exit, String output) {}

  @Test
  void theUsersKeysAndCloudCredentialsAreInvisible() throws Exception {
    Result result =
        run(
            sandbox(64L << 20),
            false,
            "cat "
                + home
                + "/.ssh/id_ed25519 "
                + home
                + "/.aws/credentials "
                + home
                + "/.git-credentials "
                + home
                + "/.local/share/keyring "
                + home
                + "/.m2/settings.xml 2>&1; ls -a "
                + home
                + " 2>&1; true");
    assertThat(result.output())
        .doesNotContain("SSH-PRIVATE-KEY")
        .doesNotContain("AWS-SECRET-KEY")
        .doesNotContain("GIT-TOKEN")
        .doesNotContain("KEYRING-SECRET")
        .doesNotContain("MAVEN-SECRET");
    Result listing = run(sandbox(64L << 20), false, "ls -A " + home + " 2>/dev/null; true");
    assertThat(listing.output()).doesNotContain(".ssh").doesNotContain(".aws");
  }

  @Test
  void aToolchainOnThePathStillRuns() throws Exception {
    Result result = run(sandbox(64L << 20), false, "tool && test -d " + home + "/.m2/repository");
    assertThat(result.output()).contains("tool-ran");
    assertThat(result.exit()).isZero();
  }

  @Test
  void aToolchainOfAHomeUnderTmpStillRunsAndItsSecretsStayHidden() throws Exception {
    // The sandbox's private /tmp must not cover a home that lives under the real /tmp (a checkout
    // or CI tool cache there): its toolchain runs, its credentials stay invisible.
    Path tmpHome = Files.createTempDirectory(Path.of("/tmp"), "cairn-home-");
    try {
      Files.createDirectories(tmpHome.resolve(".toolchain/bin"));
      Path tool = tmpHome.resolve(".toolchain/bin/tool");
      Files.writeString(tool, "#!/bin/sh\necho tool-ran\n");
      tool.toFile().setExecutable(true);
      Files.createDirectories(tmpHome.resolve(".ssh"));
      Files.writeString(tmpHome.resolve(".ssh/id_ed25519"), "SSH-PRIVATE-KEY");
      home = tmpHome;
      Result result =
          run(sandbox(64L << 20), false, "tool; cat " + tmpHome + "/.ssh/id_ed25519 2>&1; true");
      assertThat(result.output()).contains("tool-ran").doesNotContain("SSH-PRIVATE-KEY");
    } finally {
      try (var paths = Files.walk(tmpHome)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void runIsEmptyEvenWithTheNetwork() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/run")));
    Result result =
        run(
            sandbox(64L << 20),
            true,
            "ls -A /run 2>/dev/null | wc -l; ls -A /var/run 2>/dev/null | wc -l");
    assertThat(result.output().strip().lines().toList()).containsOnly("0");
  }

  @Test
  void tmpIsCapped() throws Exception {
    Result result =
        run(sandbox(1L << 20), false, "head -c 4194304 /dev/zero > /tmp/big; echo exit=$?");
    assertThat(result.output()).doesNotContain("exit=0");
  }
}
