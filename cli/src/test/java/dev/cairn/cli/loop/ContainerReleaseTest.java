package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cairn.local.container.Podman;
import dev.cairn.pipeline.port.Release;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Releases as containers, end to end on real Podman: the same loop, proxy, supervision and rollback
 * as process releases. The image is built from the repository ({@code FROM scratch} with the
 * machine's static busybox: no registry is needed), its release is busybox's httpd on {@code $PORT}
 * serving {@code /health} and {@code /version} (the commit, from the release's environment).
 */
class ContainerReleaseTest {
  private static final Duration HEAL = Duration.ofSeconds(60);
  private static final Path BUSYBOX = Path.of("/bin/busybox");

  @TempDir Path dir;
  private LoopHarness loop;

  /** A name of its own, so that its images are told apart from other runs' (and removed). */
  private final String app = "ctest" + Long.toHexString(System.nanoTime() & 0xffffff);

  @BeforeEach
  void setUp() throws Exception {
    Optional<String> unavailable = Podman.fromPath().unavailable();
    assumeTrue(
        unavailable.isEmpty(),
        () -> "container releases need Podman: " + unavailable.orElse("") + "; skipped");
    assumeTrue(Files.isExecutable(BUSYBOX), "the test image needs /bin/busybox (busybox-static)");
    loop = LoopHarness.create(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (loop != null) {
      loop.close();
      // The images the runs built (Cairn itself never removes images: rollbacks need them).
      List<String> images =
          podman("images", "--quiet", "--filter", "reference=localhost/cairn-" + app)
              .lines()
              .filter(l -> !l.isBlank())
              .distinct()
              .toList();
      if (!images.isEmpty()) {
        List<String> rmi = new ArrayList<>(List.of("rmi", "--force", "--ignore"));
        rmi.addAll(images);
        podman(rmi.toArray(String[]::new));
      }
    }
  }

  /**
   * The pipeline: the build step lays out the image's files, {@code build.image} builds it (no
   * {@code app.start}: the image's CMD runs), the migration runs in a one-off container of it.
   */
  private String pipeline(int maxRestarts) {
    return "name: "
        + app
        + "\n"
        + "build:\n"
        + "  steps:\n"
        + "    - run: mkdir -p root/bin && cp /bin/busybox root/bin/ && ln -s busybox root/bin/sh\n"
        + "  image: {file: Containerfile}\n"
        + "environments:\n"
        + "  - name: production\n"
        + "    app:\n"
        + "      port: "
        + loop.appPort
        + "\n"
        + "      start-timeout: 30s\n"
        + "      env:\n"
        + "        CAIRN_COMMIT: \"${commit}\"\n"
        + "        API_TOKEN: \"${secrets.api-token}\"\n"
        + "    migrate: {run: sh /app/migrate.sh}\n"
        + "    health: {path: /health, interval: 100ms, failure-threshold: 3}\n"
        + "    bake: 0s\n"
        + "    rollback: {max-restarts: "
        + maxRestarts
        + "}\n";
  }

  private static final String SECRET = "canary-5e3a9d";

  private static final String CONTAINERFILE =
      """
      FROM scratch
      COPY root/ /
      COPY app/ /app/
      CMD ["/bin/sh", "/app/start.sh"]
      """;

  /** Serves /health and /version from the container's private /tmp (its root is read-only). */
  private static final String START =
      """
      mkdir -p /tmp/www
      echo ok > /tmp/www/health
      printf %s "$CAIRN_COMMIT" > /tmp/www/version
      echo "release $CAIRN_COMMIT on $PORT with token $API_TOKEN"
      exec /bin/busybox httpd -f -p "127.0.0.1:$PORT" -h /tmp/www
      """;

  private void writeApp(String start, String migrate) throws IOException {
    loop.write("Containerfile", CONTAINERFILE);
    loop.write("app/start.sh", start);
    loop.write("app/migrate.sh", migrate);
  }

  /**
   * One story, to keep the suite short (each image build and container start costs seconds): a
   * deployment, supervision of a killed container and of a killed podman process, a commit whose
   * release dies at once (rolled back), a failed migration (no switch).
   */
  @Test
  void anImageReleaseIsDeployedSupervisedAndRolledBack() throws Exception {
    loop.write("cairn.yml", pipeline(5));
    writeApp(START, "echo \"migrating $CAIRN_COMMIT\"\n");
    RevCommit good = loop.commit("containers: first version");
    loop.push(good);
    dev.cairn.local.secret.CairnCredentials.applicationSecrets(loop.home).put("api-token", SECRET);
    loop.start();
    LoopHarness.Outcome first = loop.awaitRun(good);
    assertProduction(first).as(first.toString()).isEqualTo("deployed");
    assertThat(first.facts().path("artifact").asText()).startsWith("image:sha256:");
    assertThat(loop.version()).contains(good.getName());
    assertThat(loop.eventsOf(first.runId()))
        .anySatisfy(e -> assertThat(e.message()).isEqualTo("migrating " + good.getName()));
    assertThat(cairnLogs(first.runId()))
        .contains("--- image build (podman build)")
        .contains("STEP 1/")
        .contains("migrating " + good.getName());
    Release live = loop.cairn().deployer().live("production").orElseThrow();
    // The secret reaches the container by name: its value is on no command line (ps shows those).
    assertThat(commandLine(live.pid())).contains("API_TOKEN").doesNotContain(SECRET);
    // The release's output is where a process release's output goes.
    await("the release's output is in its log")
        .atMost(HEAL)
        .until(() -> releaseLog(live).contains("release " + good.getName()));
    // The secret arrived; what Cairn shows of the release's output masks it.
    assertThat(releaseLog(live)).contains("with token " + SECRET);
    assertThat(loop.cairn().deployer().output("production", live.id()).orElseThrow())
        .contains("with token ***")
        .doesNotContain(SECRET);

    // The container dies (its processes killed, as the OOM killer would): restarted in place.
    podman("kill", "--signal", "KILL", "cairn-" + live.id());
    await("the release is restarted")
        .atMost(HEAL)
        .until(() -> loop.cairn().deployer().live("production"), r -> restartOf(r, live));
    await("it serves again")
        .atMost(HEAL)
        .until(loop::version, v -> v.equals(Optional.of(good.getName())));

    // Only the podman process dies: its container lives on holding the port; the restart removes
    // it (found by its release label) and runs the release again on the same port.
    Release restarted = loop.cairn().deployer().live("production").orElseThrow();
    ProcessHandle.of(restarted.pid()).orElseThrow().destroyForcibly();
    await("the release is restarted again")
        .atMost(HEAL)
        .until(() -> loop.cairn().deployer().live("production"), r -> restartOf(r, restarted));
    await("it serves again")
        .atMost(HEAL)
        .until(loop::version, v -> v.equals(Optional.of(good.getName())));
    assertThat(loop.cairn().deployer().live("production").orElseThrow().port())
        .isEqualTo(live.port());
    assertThat(containers(live.id())).hasSize(1);
    assertThat(loop.events).filteredOn(e -> e.kind().equals("release-restarted")).hasSize(2);

    // Cairn stops and starts again: the container release kept serving and is adopted as it runs.
    Release beforeRestart = loop.cairn().deployer().live("production").orElseThrow();
    loop.cairn().close();
    assertThat(loop.version()).contains(good.getName());
    loop.start();
    assertThat(loop.cairn().deployer().live("production")).contains(beforeRestart);
    assertThat(loop.version()).contains(good.getName());

    // A commit whose release dies at once: rolled back, the good container serves on.
    writeApp("echo 'cannot start: no configuration'\nexit 3\n", "true\n");
    RevCommit bad = loop.commit("containers: broken start");
    loop.push(bad);
    LoopHarness.Outcome rolledBack = loop.awaitRun(bad);
    assertProduction(rolledBack).isEqualTo("rolled-back");
    assertThat(loop.cairn().pipelines().ledger("production").isBad(bad.getName())).isTrue();
    assertThat(loop.version()).contains(good.getName());
    assertThat(
            Files.readString(
                loop.home.resolve("logs").resolve(rolledBack.runId() + "-release-production.log")))
        .contains("cannot start: no configuration");

    // A failed migration: no new release starts, traffic stays on the good one.
    writeApp(START, "echo 'migration failed'\nexit 1\n");
    RevCommit unmigrated = loop.commit("containers: failing migration");
    loop.push(unmigrated);
    LoopHarness.Outcome failed = loop.awaitRun(unmigrated);
    assertProduction(failed).isNotEqualTo("deployed");
    assertThat(failed.facts().toString()).contains("Cairn.MigrationFailed");
    assertThat(loop.version()).contains(good.getName());
    assertThat(loop.cairn().deployer().running("production"))
        .extracting(Release::id)
        .containsExactly(live.id());

    // Stopping everything leaves no container behind.
    loop.cairn().stopEverything();
    assertThat(containers(live.id())).isEmpty();
  }

  /** The process's command line, as {@code ps} shows it to every user. */
  private static String commandLine(long pid) throws IOException {
    return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8)
        .replace('\0', ' ');
  }

  /** What {@code cairn logs RUN} prints for this loop's home. */
  private String cairnLogs(String runId) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.out;
    System.setProperty("cairn.home", loop.home.toString());
    System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(dev.cairn.cli.CairnCommand.run("logs", runId)).isZero();
    } finally {
      System.setOut(original);
      System.clearProperty("cairn.home");
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean restartOf(Optional<Release> now, Release before) {
    return now.isPresent() && now.get().id().equals(before.id()) && now.get().pid() != before.pid();
  }

  private String releaseLog(Release release) throws IOException {
    Path log = loop.home.resolve("deployments/production/releases").resolve(release.id() + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /** The ids of the containers (running or not) labelled with the release. */
  private static List<String> containers(String releaseId) throws Exception {
    String out =
        podman(
            "ps",
            "--all",
            "--quiet",
            "--filter",
            "label=" + Podman.RELEASE_LABEL + "=" + releaseId);
    return out.lines().filter(l -> !l.isBlank()).toList();
  }

  private static String podman(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of("podman"));
    argv.addAll(List.of(args));
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }
}
