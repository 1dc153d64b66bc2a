package dev.cairn.cli.loop;

import static dev.cairn.cli.loop.LoopHarness.assertProduction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cairn.git.audit.AuditTipFile;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.git.audit.AuditVerifier;
import dev.cairn.pipeline.audit.AuditEvent;
import dev.cairn.pipeline.audit.AuditRecord;
import dev.cairn.pipeline.audit.AuditTrigger;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.runtime.ReleaseSupervision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What dies outside a deployment comes back while {@code cairn serve} runs, and when it starts
 * again: the live release (restarted from its artifact, recorded as {@code release-restarted}), the
 * proxy (at once, on its port), and a release that keeps dying is rolled back to the last good one,
 * its commit marked bad. Every process is killed with SIGKILL, as the OOM killer would.
 */
class SupervisionTest {
  private static final Duration HEAL = Duration.ofSeconds(60);

  @TempDir Path dir;
  private LoopHarness loop;

  @BeforeEach
  void setUp() throws Exception {
    loop = LoopHarness.create(dir);
  }

  @AfterEach
  void tearDown() {
    loop.close();
  }

  private String pipeline(int maxRestarts) {
    return loop.pipeline("0s") + "    rollback: {max-restarts: " + maxRestarts + "}\n";
  }

  @Test
  void aKilledReleaseOrProxyServesAgainWhileCairnRunsAndAfterItRestarts() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", pipeline(3));
    RevCommit good = loop.commit("tiny: first version");
    loop.push(good);
    loop.start();
    assertProduction(loop.awaitRun(good)).isEqualTo("deployed");
    assertThat(loop.version()).contains(good.getName());
    Release live = loop.cairn().deployer().live("production").orElseThrow();

    // The proxy dies: it is started again on the stable port, still pointing at the release.
    killProxy();
    await("the stable port answers again").atMost(HEAL).until(loop::version, v -> v.isPresent());
    assertThat(loop.version()).contains(good.getName());
    await("the serve log says so")
        .atMost(HEAL)
        .until(
            () ->
                loop.events.stream()
                    .anyMatch(
                        e ->
                            e.kind().equals("proxy-restarted")
                                && "production".equals(e.environment())));

    // The release dies: it is started again from its artifact, on its port, as the same release.
    kill(live);
    await("the release is restarted")
        .atMost(HEAL)
        .until(() -> loop.cairn().deployer().live("production"), r -> restartOf(r, live));
    await("it serves again").atMost(HEAL).until(loop::version, v -> v.isPresent());
    assertThat(loop.version()).contains(good.getName());
    Release restarted = loop.cairn().deployer().live("production").orElseThrow();
    assertThat(restarted.port()).isEqualTo(live.port());
    assertThat(loop.events)
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo("release-restarted");
              assertThat(e.environment()).isEqualTo("production");
            });

    // Cairn stops; meanwhile the release and the proxy die. Its next start brings both back.
    loop.cairn().close();
    kill(restarted);
    killProxy();
    assertThat(loop.version()).isEmpty();
    loop.start();
    await("the restarted Cairn serves production again")
        .atMost(HEAL)
        .until(loop::version, v -> v.equals(Optional.of(good.getName())));

    await("the records are pushed")
        .atMost(HEAL)
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    List<AuditRecord> restarts =
        AuditTrails.records(loop.origin).stream()
            .filter(r -> r.event() == AuditEvent.RELEASE_RESTARTED)
            .toList();
    assertThat(restarts).hasSize(2);
    assertThat(restarts)
        .allSatisfy(
            r -> {
              assertThat(r.commit()).isEqualTo(good.getName());
              assertThat(r.environment()).isEqualTo("production");
              assertThat(r.trigger().kind()).isEqualTo(AuditTrigger.Kind.AUTOMATIC);
              assertThat(r.error().name()).isEqualTo(ReleaseSupervision.EXITED);
              assertThat(r.artifact()).startsWith("sha256:");
              assertThat(r.restarts()).isEqualTo(1);
              assertThat(r.run()).isNull();
            });
  }

  @Test
  void aReleaseThatKeepsDyingIsRolledBackToTheLastGoodOneAndMarkedBad() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", pipeline(1));
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");
    loop.write("app.py", LoopHarness.app() + "# second version\n");
    RevCommit second = loop.commit("tiny: second version");
    loop.push(second);
    assertProduction(loop.awaitRun(second)).isEqualTo("deployed");
    assertThat(loop.version()).contains(second.getName());

    // The first failure is restarted (max-restarts: 1)...
    Release live = loop.cairn().deployer().live("production").orElseThrow();
    kill(live);
    await("the release is restarted once")
        .atMost(HEAL)
        .until(() -> loop.cairn().deployer().live("production"), r -> restartOf(r, live));
    // ...the second one rolls production back to the first version, by a run.
    kill(loop.cairn().deployer().live("production").orElseThrow());
    await("production is rolled back to the first version")
        .atMost(HEAL)
        .until(loop::version, v -> v.equals(Optional.of(first.getName())));
    assertThat(loop.cairn().pipelines().ledger("production").isBad(second.getName())).isTrue();
    await("the rollback run deployed the first version")
        .atMost(HEAL)
        .until(
            () -> loop.cairn().pipelines().ledger("production").lastGood(),
            g -> g.isPresent() && g.get().commit().equals(first.getName()));

    await("the records are pushed")
        .atMost(HEAL)
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    List<AuditRecord> records = AuditTrails.records(loop.origin);
    assertThat(records)
        .filteredOn(r -> r.event() == AuditEvent.RELEASE_RESTARTED)
        .singleElement()
        .satisfies(r -> assertThat(r.commit()).isEqualTo(second.getName()));
    assertThat(records)
        .filteredOn(r -> r.event() == AuditEvent.ROLLED_BACK && r.commit().equals(second.getName()))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.rolledBackTo()).isEqualTo(first.getName());
              assertThat(r.error().name()).isEqualTo(ReleaseSupervision.KEPT_FAILING);
              assertThat(r.trigger().kind()).isEqualTo(AuditTrigger.Kind.AUTOMATIC);
            });
    assertThat(records)
        .filteredOn(r -> r.event() == AuditEvent.MARKED_BAD)
        .singleElement()
        .satisfies(r -> assertThat(r.commit()).isEqualTo(second.getName()));
    // Records outside any run and the rollback's records keep the trail whole.
    try (AuditTrail trail = AuditTrail.open(loop.origin, null, null)) {
      AuditVerifier.Report report =
          AuditVerifier.builder()
              .grace(Duration.ZERO)
              .build()
              .verify(
                  trail.repository(),
                  trail.ref(),
                  List.of(
                      new AuditVerifier.KnownTip(
                          AuditTipFile.read(loop.home.resolve("audit/delivered-tip")).orElseThrow(),
                          "delivered by Cairn")));
      assertThat(report.problems()).isEmpty();
    }
  }

  @Test
  void whatOutlivesAKilledFirstProcessIsAdoptedNotRestartedAlsoByANewServe() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", outlivingPipeline());
    RevCommit first = loop.commit("tiny: first version");
    loop.push(first);
    loop.start();
    assertProduction(loop.awaitRun(first)).isEqualTo("deployed");
    Release live = loop.cairn().deployer().live("production").orElseThrow();
    ProcessHandle app = appOf(live);

    // Only the release's first process dies (the sandbox's outer bwrap, or the shell): the
    // application it started keeps serving, and is adopted as the release.
    killFirstProcess(live);
    await("the survivors are adopted").atMost(HEAL).until(() -> adoptions().size() == 1);
    Release adopted = loop.cairn().deployer().live("production").orElseThrow();
    assertThat(adopted.id()).isEqualTo(live.id());
    assertThat(adopted.pid()).isNotEqualTo(live.pid());
    assertThat(app.isAlive()).as("the same application process still serves").isTrue();
    assertThat(loop.version()).contains(first.getName());
    assertThat(adoptions().get(0).message())
        .contains("pid " + live.pid())
        .contains("adopted (pid " + adopted.pid() + ")");

    // The next deployment stops the adopted release whole.
    loop.write("app.py", LoopHarness.app() + "# second version\n");
    RevCommit second = loop.commit("tiny: second version");
    loop.push(second);
    assertProduction(loop.awaitRun(second)).isEqualTo("deployed");
    assertThat(loop.version()).contains(second.getName());
    assertThat(app.isAlive()).isFalse();
    assertThat(markedWith(live.id())).isEmpty();

    // Killed while Cairn is down: the next serve adopts it the same way on its first check.
    Release next = loop.cairn().deployer().live("production").orElseThrow();
    ProcessHandle nextApp = appOf(next);
    loop.cairn().close();
    killFirstProcess(next);
    assertThat(loop.version()).contains(second.getName());
    loop.start();
    await("the new serve adopts the survivors").atMost(HEAL).until(() -> adoptions().size() == 2);
    assertThat(nextApp.isAlive()).isTrue();
    assertThat(loop.cairn().deployer().live("production").orElseThrow().id()).isEqualTo(next.id());
    assertThat(loop.version()).contains(second.getName());

    assertThat(loop.events).noneMatch(e -> e.kind().equals("release-restarted"));
    await("the records are pushed")
        .atMost(HEAL)
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    assertThat(AuditTrails.records(loop.origin))
        .noneMatch(r -> r.event() == AuditEvent.RELEASE_RESTARTED);
  }

  @Test
  void survivorsThatDoNotAnswerAreKilledAndTheReleaseRestarted() throws Exception {
    loop.write("app.py", LoopHarness.app());
    loop.write("cairn.yml", outlivingPipeline());
    RevCommit good = loop.commit("tiny: first version");
    loop.push(good);
    loop.start();
    assertProduction(loop.awaitRun(good)).isEqualTo("deployed");
    Release live = loop.cairn().deployer().live("production").orElseThrow();
    ProcessHandle app = appOf(live);

    // The application hangs (it holds its port, answers nothing), then its first process dies.
    assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(app.pid())).start().waitFor())
        .isZero();
    killFirstProcess(live);

    await("the release is restarted")
        .atMost(HEAL)
        .until(() -> loop.cairn().deployer().live("production"), r -> restartOf(r, live));
    await("it serves again").atMost(HEAL).until(loop::version, v -> v.isPresent());
    assertThat(app.isAlive()).as("the hung survivor was killed").isFalse();
    assertThat(adoptions()).isEmpty();
    await("the records are pushed")
        .atMost(HEAL)
        .until(() -> loop.cairn().auditStatus().orElseThrow().delivered());
    assertThat(AuditTrails.records(loop.origin))
        .filteredOn(r -> r.event() == AuditEvent.RELEASE_RESTARTED)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.error().name()).isEqualTo(ReleaseSupervision.EXITED);
              assertThat(r.error().cause())
                  .contains("process(es) it left running did not answer its health check");
            });
  }

  /**
   * The application under a shell that waits for it, so that its first process has something to
   * leave behind also where releases are not sandboxed.
   */
  private String outlivingPipeline() {
    return loop.pipeline(
            "- run: mkdir -p out && cp app.py out/", "", "python3 app.py; exit 1", "0s")
        + "    rollback: {max-restarts: 3}\n";
  }

  private List<LoopHarness.Event> adoptions() {
    return loop.events.stream()
        .filter(e -> e.kind().equals("release-adopted") && "production".equals(e.environment()))
        .toList();
  }

  /** SIGKILL to the release's first process alone. */
  private static void killFirstProcess(Release release) {
    ProcessHandle first = ProcessHandle.of(release.pid()).orElseThrow();
    assertThat(first.descendants()).as("it started the application").isNotEmpty();
    first.destroyForcibly();
    await().atMost(HEAL).until(() -> !first.isAlive());
  }

  /** The release's python process. */
  private static ProcessHandle appOf(Release release) {
    return markedWith(release.id()).stream()
        .filter(p -> Path.of(argv0(p)).getFileName().toString().startsWith("python"))
        .findFirst()
        .orElseThrow();
  }

  /** The processes carrying the release's mark ({@code CAIRN_RELEASE_ID}) in their environment. */
  private static List<ProcessHandle> markedWith(String releaseId) {
    String marker = "\0CAIRN_RELEASE_ID=" + releaseId + "\0";
    return ProcessHandle.allProcesses()
        .filter(p -> ("\0" + read(p, "environ") + "\0").contains(marker))
        .toList();
  }

  private static String argv0(ProcessHandle process) {
    String cmdline = read(process, "cmdline");
    int end = cmdline.indexOf('\0');
    return end < 0 ? cmdline : cmdline.substring(0, end);
  }

  private static String read(ProcessHandle process, String file) {
    try {
      return Files.readString(
          Path.of("/proc", Long.toString(process.pid()), file),
          java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  /** True when {@code now} is {@code before} started again: same release, another process. */
  private static boolean restartOf(Optional<Release> now, Release before) {
    return now.isPresent() && now.get().id().equals(before.id()) && now.get().pid() != before.pid();
  }

  /** SIGKILL to the release's whole process tree. */
  private static void kill(Release release) {
    ProcessHandle root = ProcessHandle.of(release.pid()).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
    all.add(root);
    all.forEach(ProcessHandle::destroyForcibly);
    await().atMost(HEAL).until(() -> all.stream().noneMatch(ProcessHandle::isAlive));
  }

  private void killProxy() throws Exception {
    Path pidFile =
        loop.home
            .resolve("deployments")
            .resolve("production")
            .resolve("proxy")
            .resolve("proxy.pid");
    ProcessHandle proxy =
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).orElseThrow();
    proxy.destroyForcibly();
    await().atMost(HEAL).until(() -> !proxy.isAlive());
  }
}
