package dev.cairn.local.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.local.job.Bubblewrap;
import dev.cairn.pipeline.file.HealthSpec;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile release: it looks for Cairn's state and secrets, the user's home, other environments,
 * and tries to signal Cairn. It must still serve on loopback.
 */
class HostileReleaseTest {
  private static final HealthSpec HEALTH =
      new HealthSpec("/health", Duration.ofMillis(100), Duration.ofSeconds(2), 3);

  @TempDir Path home;
  private Path app;
  private Path other;
  private ProcessDeployer deployer;
  private int stablePort;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(
        Bubblewrap.forReleases(List.of(), List.of(), 64L << 20).isPresent(),
        "bubblewrap is not usable here (run scripts/ensure-packages.sh as root)");
    // CAIRN_HOME layout: secrets, another environment's release, and this release's directory.
    Files.createDirectories(home.resolve("secrets"));
    Files.writeString(home.resolve("secrets/db-password"), "HIDDEN-SECRET");
    other = Files.createDirectories(home.resolve("deployments/production/releases/r1"));
    Files.writeString(other.resolve("data.txt"), "PRODUCTION-DATA");
    app = Files.createDirectories(home.resolve("deployments/staging/releases/r2"));
    deployer =
        new ProcessDeployer(
            ProcessDeployer.Options.builder(home.resolve("deployments")).hide(home).build(),
            new dev.cairn.local.service.TestSecrets());
    stablePort = dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }

  @AfterEach
  void tearDown() {
    if (deployer != null) {
      deployer.destroy("staging");
    }
  }

  @Test
  void aReleaseSeesOnlyItselfCannotSignalCairnAndStillServes() throws Exception {
    assertThat(deployer.releasesIsolated()).isTrue();
    ProcessDeployerTest.copyTestApp(app.resolve("classes"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    long cairn = ProcessHandle.current().pid();
    String probe =
        "cat "
            + home.resolve("secrets/db-password")
            + " "
            + other.resolve("data.txt")
            + " > probe.txt 2>&1; ls -A "
            + System.getProperty("user.home")
            + " >> probe.txt 2>&1; kill -0 "
            + cairn
            + " && echo SIGNALLED-CAIRN >> probe.txt; echo written > own.txt; "
            + "exec '"
            + java
            + "' -cp classes "
            + TestHttpApp.class.getName();
    Release release =
        deployer.start(
            new ReleaseSpec(
                "staging",
                "c0ffee",
                "sha256:abc",
                app,
                probe,
                Map.of("RELEASE_NAME", "sandboxed"),
                stablePort));

    assertThat(deployer.awaitHealthy(release, HEALTH, Duration.ofSeconds(60))).isTrue();
    String seen = Files.readString(app.resolve("probe.txt"));
    assertThat(seen)
        .doesNotContain("HIDDEN-SECRET")
        .doesNotContain("PRODUCTION-DATA")
        .doesNotContain("SIGNALLED-CAIRN");
    assertThat(app.resolve("own.txt")).hasContent("written");
    // The release outlives a Cairn that forgets it: it is adopted again.
    ProcessDeployer restarted =
        new ProcessDeployer(
            ProcessDeployer.Options.builder(home.resolve("deployments")).hide(home).build(),
            new dev.cairn.local.service.TestSecrets());
    restarted.adopt();
    assertThat(restarted.running("staging")).extracting(Release::id).contains(release.id());
    deployer.stop(release);
    assertThat(ProcessHandle.of(release.pid()).filter(ProcessHandle::isAlive)).isEmpty();
  }

  @Test
  void withoutIsolationReleasesRunAsPlainProcesses() {
    ProcessDeployer plain =
        new ProcessDeployer(
            ProcessDeployer.Options.builder(home.resolve("deployments")).isolated(false).build(),
            new dev.cairn.local.service.TestSecrets());
    assertThat(plain.releasesIsolated()).isFalse();
  }
}
