package dev.cairn.local.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cairn.local.proxy.ProxyCounters;
import dev.cairn.local.service.TestSecrets;
import dev.cairn.pipeline.file.HealthSpec;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessDeployerTest {
  private static final String ENV = "test";
  private static final HealthSpec HEALTH =
      new HealthSpec("/health", Duration.ofMillis(100), Duration.ofSeconds(2), 3);
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path root;
  @TempDir Path app;
  private final TestSecrets secrets = new TestSecrets();
  private ProcessDeployer deployer;
  private int stablePort;

  @BeforeEach
  void setUp() throws IOException {
    deployer = new ProcessDeployer(root, secrets);
    stablePort = freePort();
  }

  @AfterEach
  void tearDown() {
    new ProcessDeployer(root, secrets).destroy(ENV);
  }

  @Test
  void switchesBetweenReleasesWithoutAFailedRequest() throws Exception {
    Release a = startApp("A");
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    assertThat(get(stablePort)).isEqualTo("A");

    Release b = startApp("B");
    assertThat(deployer.awaitHealthy(b, HEALTH, START)).isTrue();
    assertThat(b.port()).isNotEqualTo(a.port());

    AtomicInteger done = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<String> last = new AtomicReference<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    // A few clients in parallel, each request on a new connection, as a steady small load.
    List<Thread> clients =
        IntStream.range(0, 4)
            .mapToObj(
                i ->
                    Thread.ofPlatform()
                        .start(
                            () -> {
                              while (!stop.get()) {
                                try {
                                  last.set(get(stablePort));
                                } catch (IOException | RuntimeException e) {
                                  failures.add(e.toString());
                                }
                                done.incrementAndGet();
                              }
                            }))
            .toList();
    try {
      await().until(() -> done.get() >= 200);
      deployer.switchTraffic(b);
      int atSwitch = done.get();
      // Every connection opened after the switch returned goes to B.
      // Every connection opened after the switch returned goes to B.
      await().until(() -> done.get() >= atSwitch + 300);
      assertThat(last.get()).isEqualTo("B");
    } finally {
      stop.set(true);
      for (Thread client : clients) {
        client.join();
      }
    }
    assertThat(failures).isEmpty();

    assertThat(deployer.live(ENV)).contains(b);
    assertThat(deployer.running(ENV)).containsExactlyInAnyOrder(a, b);
    deployer.stop(a);
    assertThat(ProcessHandle.of(a.pid()).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(deployer.running(ENV)).containsExactly(b);
    assertThat(get(stablePort)).isEqualTo("B");
    // Every request above was one connection through the proxy, which counts them for /metrics.
    long connections = done.get() + 2L;
    await("the proxy writes its counters")
        .until(
            () -> deployer.proxyCounters(ENV).map(ProxyCounters::connections),
            c -> c.equals(java.util.Optional.of(connections)));
    assertThat(deployer.proxyCounters(ENV).orElseThrow().errors()).isZero();
  }

  @Test
  void theProxyCountsConnectionsItCouldNotForward() throws Exception {
    Release a = startApp("A");
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    assertThat(get(stablePort)).isEqualTo("A");
    ProcessHandle process = ProcessHandle.of(a.pid()).orElseThrow();
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    await().until(() -> !process.isAlive());

    assertThatThrownBy(() -> get(stablePort)).isInstanceOf(IOException.class);

    await("the proxy writes its counters")
        .until(
            () -> deployer.proxyCounters(ENV),
            c -> c.equals(java.util.Optional.of(new ProxyCounters(2, 1))));
  }

  @Test
  void aReleaseThatExitsIsNotHealthy() {
    Release crashing = deployer.start(spec("echo starting; exit 3", Map.of()));

    CompletableFuture<Boolean> healthy =
        CompletableFuture.supplyAsync(
            () -> deployer.awaitHealthy(crashing, HEALTH, Duration.ofHours(1)));

    await().until(healthy::isDone);
    assertThat(healthy.join()).isFalse();
    assertThat(deployer.running(ENV)).isEmpty();
    assertThat(root.resolve(ENV).resolve("releases").resolve(crashing.id() + ".log"))
        .content()
        .contains("starting");
  }

  @Test
  void aReleaseThatNeverAnswersIsNotHealthyAfterTheTimeout() {
    Release silent = deployer.start(spec("exec sleep 600", Map.of()));

    assertThat(deployer.awaitHealthy(silent, HEALTH, Duration.ofMillis(300))).isFalse();
    assertThat(deployer.checkHealth(silent, HEALTH)).isFalse();
    assertThat(deployer.running(ENV)).containsExactly(silent);
  }

  @Test
  void aNewDeployerAdoptsTheLiveReleaseAndRestartsADeadProxy() throws Exception {
    Release a = startApp("A");
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);

    ProcessDeployer restarted = new ProcessDeployer(root, secrets);
    restarted.adopt();
    assertThat(restarted.live(ENV)).contains(a);
    assertThat(restarted.running(ENV)).containsExactly(a);
    long proxyPid = proxyPid();
    assertThat(get(stablePort)).isEqualTo("A");

    ProcessHandle proxy = ProcessHandle.of(proxyPid).orElseThrow();
    proxy.destroyForcibly();
    await().until(() -> !proxy.isAlive());

    ProcessDeployer again = new ProcessDeployer(root, secrets);
    again.adopt();
    assertThat(proxyPid()).isNotEqualTo(proxyPid);
    assertThat(get(stablePort)).isEqualTo("A");
    assertThat(again.live(ENV)).contains(a);
  }

  @Test
  void aKilledLiveReleaseIsKeptByAdoptAndRestartedOnItsPortBehindTheSameProxy() throws Exception {
    Release a = startApp("A");
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    assertThat(deployer.alive(a)).isTrue();
    long proxyPid = proxyPid();
    // Only the release's first process: what it started may live on and hold the port.
    ProcessHandle first = ProcessHandle.of(a.pid()).orElseThrow();
    assertThat(ProcessTrees.marked(a.id())).contains(first);
    first.destroyForcibly();
    await().until(() -> !first.isAlive());
    assertThat(deployer.alive(a)).isFalse();

    ProcessDeployer restarted = new ProcessDeployer(root, secrets);
    restarted.adopt();
    assertThat(restarted.designated(ENV)).contains(a);
    assertThat(restarted.live(ENV)).isEmpty();

    // By the new deployer, which never saw the release's process tree (a serve started after the
    // kill): what outlives the first process is found by the release's mark.
    Release again = restarted.restart(a, startSpec("A2"));
    assertThat(again.id()).isEqualTo(a.id());
    assertThat(again.port()).isEqualTo(a.port());
    assertThat(again.pid()).isNotEqualTo(a.pid());
    assertThat(deployer.awaitHealthy(again, HEALTH, START)).isTrue();
    assertThat(get(stablePort)).isEqualTo("A2");
    assertThat(proxyPid()).isEqualTo(proxyPid);
    assertThat(deployer.live(ENV)).contains(again);
  }

  @Test
  void whatOutlivesTheFirstProcessIsAdoptedAsTheReleaseAndStoppedWholeByTheNextDeployment()
      throws Exception {
    Release a = deployer.start(outlivingSpec("A"));
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    ProcessHandle app = appProcess(a);
    // Only the release's first process (the sandbox's outer bwrap, or the shell): the application
    // keeps serving.
    ProcessHandle first = ProcessHandle.of(a.pid()).orElseThrow();
    first.destroyForcibly();
    await().until(() -> !first.isAlive());
    assertThat(deployer.alive(a)).isFalse();
    assertThat(get(stablePort)).isEqualTo("A");

    // Found also by a deployer that never saw the release's tree (a serve started after the kill).
    ProcessDeployer restarted = new ProcessDeployer(root, secrets);
    restarted.adopt();
    Deployer.Survivors survivors = restarted.adoptSurvivors(a, HEALTH);

    Release adopted = survivors.adopted().orElseThrow();
    assertThat(survivors.found()).isPositive();
    assertThat(adopted.id()).isEqualTo(a.id());
    assertThat(adopted.port()).isEqualTo(a.port());
    assertThat(adopted.pid()).isNotEqualTo(a.pid());
    assertThat(ProcessTrees.marked(a.id())).contains(ProcessHandle.of(adopted.pid()).orElseThrow());
    assertThat(app.isAlive()).as("the same application process serves").isTrue();
    assertThat(restarted.alive(adopted)).isTrue();
    assertThat(restarted.live(ENV)).contains(adopted);
    assertThat(restarted.running(ENV)).containsExactly(adopted);
    assertThat(restarted.adoptSurvivors(adopted, HEALTH)).isEqualTo(Deployer.Survivors.NONE);
    assertThat(get(stablePort)).isEqualTo("A");

    // The next deployment stops it as any release: nothing of it is left.
    Release b = restarted.start(startSpec("B"));
    assertThat(restarted.awaitHealthy(b, HEALTH, START)).isTrue();
    restarted.switchTraffic(b);
    restarted.stop(adopted);
    assertThat(app.isAlive()).isFalse();
    assertThat(ProcessTrees.marked(a.id())).isEmpty();
    assertThat(restarted.running(ENV)).containsExactly(b);
    assertThat(get(stablePort)).isEqualTo("B");
  }

  @Test
  void survivorsThatDoNotAnswerAreKilledSoThatARestartGetsThePort() throws Exception {
    Release a = deployer.start(outlivingSpec("A"));
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    ProcessHandle app = appProcess(a);
    // Hung: it holds its port but answers nothing.
    assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(app.pid())).start().waitFor())
        .isZero();
    ProcessHandle first = ProcessHandle.of(a.pid()).orElseThrow();
    first.destroyForcibly();
    await().until(() -> !first.isAlive());

    Deployer.Survivors survivors = deployer.adoptSurvivors(a, HEALTH);

    assertThat(survivors.found()).isPositive();
    assertThat(survivors.adopted()).isEmpty();
    assertThat(app.isAlive()).isFalse();
    assertThat(ProcessTrees.marked(a.id())).isEmpty();
    Release again = deployer.restart(a, startSpec("A2"));
    assertThat(deployer.awaitHealthy(again, HEALTH, START)).isTrue();
    assertThat(get(stablePort)).isEqualTo("A2");
  }

  /** The test application under a shell that waits for it: killed alone, the shell leaves it. */
  private ReleaseSpec outlivingSpec(String name) {
    ReleaseSpec spec = startSpec(name);
    return new ReleaseSpec(
        spec.environment(),
        spec.commit(),
        spec.artifactDigest(),
        spec.directory(),
        spec.command().substring("exec ".length()) + "; exit 1",
        spec.env(),
        spec.stablePort());
  }

  /** The release's java process (its first process is bwrap or a shell). */
  private static ProcessHandle appProcess(Release release) {
    return ProcessTrees.marked(release.id()).stream()
        .filter(p -> argv0(p).endsWith("/java"))
        .findFirst()
        .orElseThrow();
  }

  private static String argv0(ProcessHandle process) {
    try {
      byte[] cmdline =
          Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
      int end = 0;
      while (end < cmdline.length && cmdline[end] != 0) {
        end++;
      }
      return new String(cmdline, 0, end, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  @Test
  void aDeadProxyIsStartedAgainOnItsPort() throws Exception {
    Release a = startApp("A");
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    assertThat(deployer.restartDeadProxies()).isEmpty();
    ProcessHandle proxy = ProcessHandle.of(proxyPid()).orElseThrow();
    proxy.destroyForcibly();
    await().until(() -> !proxy.isAlive());

    assertThat(deployer.restartDeadProxies()).containsExactly(ENV);

    assertThat(proxyPid()).isNotEqualTo(proxy.pid());
    assertThat(get(stablePort)).isEqualTo("A");
  }

  @Test
  void adoptForgetsReleasesThatDied() {
    Release gone = deployer.start(spec("exec sleep 600", Map.of()));
    ProcessHandle process = ProcessHandle.of(gone.pid()).orElseThrow();
    process.destroyForcibly();
    await().until(() -> !process.isAlive());

    ProcessDeployer restarted = new ProcessDeployer(root, secrets);
    restarted.adopt();

    assertThat(restarted.running(ENV)).isEmpty();
    assertThat(root.resolve(ENV).resolve("state.json")).content().doesNotContain(gone.id());
  }

  @Test
  void theProxyExitsWhenItsControlFileIsRemoved() throws Exception {
    Release a = startApp("A");
    assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();
    deployer.switchTraffic(a);
    ProcessHandle proxy = ProcessHandle.of(proxyPid()).orElseThrow();

    Files.delete(root.resolve(ENV).resolve("proxy").resolve("target"));

    await().until(() -> !proxy.isAlive());
    assertThat(root.resolve(ENV).resolve("proxy").resolve("proxy.pid")).doesNotExist();
  }

  @Test
  void aTakenStablePortIsReportedClearly() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      stablePort = squatter.getLocalPort();
      Release a = startApp("A");
      assertThat(deployer.awaitHealthy(a, HEALTH, START)).isTrue();

      assertThatThrownBy(() -> deployer.switchTraffic(a))
          .isInstanceOf(DeploymentException.class)
          .hasMessageContaining("127.0.0.1:" + stablePort)
          .hasMessageContaining("used by another process");
    }
  }

  @Test
  void theReleaseGetsItsEnvironmentButNotCairnsOwn() throws Exception {
    // The build sets GIT_CONFIG_NOSYSTEM for the tests: a variable of Cairn's own environment.
    assertThat(System.getenv("GIT_CONFIG_NOSYSTEM")).isNotNull();
    Release r =
        deployer.start(
            spec(
                "echo \"port=$PORT db=$DB_URL cairn=$GIT_CONFIG_NOSYSTEM\" > env.txt; exec sleep 600",
                Map.of("DB_URL", "x")));

    Path out = app.resolve("env.txt");
    await().until(() -> Files.exists(out) && Files.readString(out).endsWith("\n"));
    assertThat(out).content().isEqualTo("port=" + r.port() + " db=x cairn=\n");
  }

  private Release startApp(String name) {
    return deployer.start(startSpec(name));
  }

  private ReleaseSpec startSpec(String name) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The release's own directory holds its code, as an artifact would: a sandboxed release sees
    // nothing else of this checkout.
    copyTestApp(app.resolve("classes"));
    return spec(
        "exec '" + java + "' -cp classes " + TestHttpApp.class.getName(),
        Map.of("RELEASE_NAME", name));
  }

  /** Copies TestHttpApp's class files into {@code classes}. */
  static void copyTestApp(Path classes) {
    try {
      Path compiled =
          Path.of(TestHttpApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      String relative = TestHttpApp.class.getPackageName().replace('.', '/');
      Path target = Files.createDirectories(classes.resolve(relative));
      try (var files = Files.list(compiled.resolve(relative))) {
        for (Path file :
            files.filter(f -> f.getFileName().toString().startsWith("TestHttpApp")).toList()) {
          Files.copy(
              file,
              target.resolve(file.getFileName()),
              java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException | java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private ReleaseSpec spec(String command, Map<String, String> env) {
    return new ReleaseSpec(ENV, "c0ffee", "sha256:abc", app, command, env, stablePort);
  }

  private long proxyPid() throws IOException {
    return Long.parseLong(
        Files.readString(root.resolve(ENV).resolve("proxy").resolve("proxy.pid")).strip());
  }

  /** One request on a new connection (HTTP/1.0: the server closes it after the answer). */
  private static String get(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write("GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.0 200")) {
        throw new IOException("unexpected answer: " + firstLine(response));
      }
      return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }

  /** A port as a user (or Cairn) would choose one: below the ephemeral range (LoopbackPorts). */
  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }
}
