package dev.cairn.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.secret.FileSecretStore;
import dev.cairn.pipeline.port.Release;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills {@code cairn serve} with SIGKILL at the delicate points of a deployment and starts it again
 * on the same CAIRN_HOME: every run must reach a final state, the environment must end up serving
 * the newest commit, nothing may be deployed twice and no commit may get two runs. While Cairn is
 * down, the proxy and the live release keep serving.
 */
class LoopCrashTest {
  private static final String ENV = "production";
  private static final PersonIdent AUTHOR = new PersonIdent("Crash Tester", "crash@example.com");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
  Path temp;

  private Path home;
  private Path origin;
  private Path gate;
  private int appPort;
  private Git clone;
  private final List<CairnChild> children = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    home = temp.resolve("home");
    origin = temp.resolve("origin.git");
    // Shared into the sandboxes with --sandbox-share: they hide everything else of the host.
    gate = Files.createTempDirectory(Path.of("/var/tmp"), "cairn-crash-gate-");
    appPort = freePort();
    Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call().close();
    clone =
        Git.cloneRepository()
            .setURI(origin.toUri().toString())
            .setDirectory(temp.resolve("app").toFile())
            .call();
    Path work = clone.getRepository().getWorkTree().toPath();
    Files.writeString(work.resolve("app.py"), resource("app.py"));
    Files.writeString(
        work.resolve("cairn.yml"),
        resource("cairn.yml")
            .replace("GATE_DIR", gate.toString())
            .replace("APP_PORT", Integer.toString(appPort)));
  }

  @AfterEach
  void tearDown() throws IOException {
    children.forEach(CairnChild::close);
    if (clone != null) {
      clone.close();
    }
    if (home != null && Files.isDirectory(home.resolve("deployments"))) {
      ProcessDeployer deployer = deployer();
      deployer.environments().forEach(deployer::destroy);
    }
    if (gate != null) {
      try (Stream<Path> files = Files.walk(gate)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Test
  void killedDuringTheBuild_restartBuildsAgainAndDeploysOnce() throws Exception {
    RevCommit first = push("normal", "first version");
    CairnChild before = start();
    before.awaitEvent(ENV, "deployed", shortId(first));

    RevCommit second = push("hold-build", "a build Cairn dies in");
    before.awaitLine(l -> l.contains("| build waiting for the gate"), "the held build");
    before.kill();

    assertThat(get("/version")).isEqualTo(first.name());

    CairnChild after = start();
    // The build was re-dispatched: it is waiting at the gate again, in the new process.
    after.awaitLine(l -> l.contains("| build waiting for the gate"), "the re-dispatched build");
    Files.createFile(gate.resolve("build-open"));
    after.awaitEvent(ENV, "deployed", shortId(second));

    assertRecovered(List.of(before, after), List.of(first, second));
  }

  @Test
  void killedDuringTheBake_restartBakesAgainWithoutSwitchingTwice() throws Exception {
    RevCommit first = push("normal", "first version");
    CairnChild before = start();
    before.awaitEvent(ENV, "deployed", shortId(first));

    RevCommit second = push("normal", "a bake Cairn dies in");
    before.awaitEvent(ENV, "switched", shortId(second));
    before.kill();
    // The kill came after the switch and before the end of the 3s bake.
    assertThat(before.lines())
        .noneMatch(l -> CairnChild.isEvent(l, ENV, "deployed") && l.contains(shortId(second)));

    assertThat(get("/version")).isEqualTo(second.name());

    CairnChild after = start();
    after.awaitEvent(ENV, "deployed", shortId(second));

    assertRecovered(List.of(before, after), List.of(first, second));
  }

  @Test
  void killedWhileWaitingForHealth_restartReusesTheStartedRelease() throws Exception {
    RevCommit first = push("normal", "first version");
    CairnChild before = start();
    before.awaitEvent(ENV, "deployed", shortId(first));

    RevCommit second = push("hold-health", "a health wait Cairn dies in");
    await("the new release's first health check")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(gate.resolve("health-asked")));
    before.kill();
    String startedBeforeCrash = runOf(second).path("releases").path(ENV).asText();
    assertThat(startedBeforeCrash).startsWith(second.name().substring(0, 12));

    assertThat(get("/version")).isEqualTo(first.name());

    CairnChild after = start();
    after.awaitLine(l -> l.startsWith("cairn: watching"), "the start line");
    Files.createFile(gate.resolve("health-open"));
    after.awaitEvent(ENV, "deployed", shortId(second));

    assertRecovered(List.of(before, after), List.of(first, second));
    // The release the first process started was adopted rather than started a second time.
    assertThat(deployer().live(ENV).orElseThrow().id()).isEqualTo(startedBeforeCrash);
  }

  @Test
  void killedWithARunWaitingInTheQueue_restartDeploysBothInOrder() throws Exception {
    RevCommit first = push("normal", "first version");
    CairnChild before = start();
    before.awaitEvent(ENV, "deployed", shortId(first));

    RevCommit second = push("hold-health", "holds the deploy slot");
    await("the second release's first health check")
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(gate.resolve("health-asked")));
    RevCommit third = push("normal", "waits for the slot");
    // Killed once the third run waits in the queue: on restart both runs are resumed as the engine
    // is built, the third at its queue task, which must see the second as holding the slot.
    before.awaitLine(
        l -> CairnChild.isEvent(l, ENV, "queued") && l.contains("-" + shortId(third)),
        "the third run in the queue");
    before.kill();

    assertThat(get("/version")).isEqualTo(first.name());

    CairnChild after = start();
    after.awaitLine(l -> l.startsWith("cairn: watching"), "the start line");
    Files.createFile(gate.resolve("health-open"));
    after.awaitEvent(ENV, "deployed", shortId(second));
    after.awaitEvent(ENV, "deployed", shortId(third));

    assertRecovered(List.of(before, after), List.of(first, second, third));
  }

  // ---------------------------------------------------------------- checks

  private void assertRecovered(List<CairnChild> processes, List<RevCommit> commits)
      throws Exception {
    RevCommit last = commits.get(commits.size() - 1);
    List<String> lines = processes.stream().flatMap(p -> p.lines().stream()).toList();
    String all = String.join("\n", lines);
    for (RevCommit commit : commits) {
      assertThat(
              lines.stream()
                  .filter(l -> CairnChild.isEvent(l, ENV, "switched"))
                  .filter(l -> l.contains(shortId(commit))))
          .as("switched lines for %s in\n%s", shortId(commit), all)
          .hasSize(1);
    }

    // One run per commit, each run ended, the last one deployed.
    List<JsonNode> runs = runs();
    assertThat(runs)
        .extracting(r -> r.path("commit").asText())
        .containsExactlyElementsOf(commits.stream().map(RevCommit::name).toList());
    for (RevCommit commit : commits) {
      assertThat(runOf(commit).path("outcomes").path(ENV).asText())
          .as("outcome of %s", shortId(commit))
          .isEqualTo("deployed");
    }
    assertThat(runOf(last).path("outcomes").path(ENV).asText()).isEqualTo("deployed");
    assertThat(runOf(last).path("switched").path(ENV).asBoolean()).isTrue();
    CairnChild current = processes.get(processes.size() - 1);
    String lastRun = runOf(last).path("id").asText();
    current.awaitLine(
        l -> l.contains(lastRun) && CairnChild.isEvent(l, null, "run-ended"), "run-ended");
    JsonNode status = getJson(current.httpPort(), "/api/runs");
    assertThat(status).hasSize(commits.size());
    for (JsonNode run : status) {
      assertThat(run.path("status").asText()).as("run %s", run).isEqualTo("SUCCEEDED");
    }

    // The environment serves the last commit from exactly one release; the slot is free.
    assertThat(getOrReport("/health", processes)).isEqualTo("ok");
    assertThat(getOrReport("/version", processes)).isEqualTo(last.name());
    List<Release> running = deployer().running(ENV);
    assertThat(running).extracting(Release::commit).containsExactly(last.name());
    JsonNode ledger = JSON.readTree(home.resolve("environments").resolve(ENV + ".json").toFile());
    assertThat(ledger.path("lastGood").path("commit").asText()).isEqualTo(last.name());
    await("the deploy slot is released")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !JSON.readTree(home.resolve("environments").resolve(ENV + ".json").toFile())
                    .has("holder"));
  }

  // ---------------------------------------------------------------- helpers

  private CairnChild start() throws IOException {
    CairnChild child = CairnChild.start(home, origin, List.of("--sandbox-share", gate.toString()));
    children.add(child);
    return child;
  }

  private RevCommit push(String mode, String message) throws Exception {
    Path work = clone.getRepository().getWorkTree().toPath();
    Files.writeString(work.resolve("mode"), mode + "\n");
    // Every commit gets its own tree, so that none reuses another's artifact.
    Files.writeString(work.resolve("message"), message + "\n");
    clone.add().addFilepattern(".").call();
    RevCommit commit =
        clone.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
    clone.push().setRemote("origin").setRefSpecs(new RefSpec("HEAD:refs/heads/main")).call();
    return commit;
  }

  private List<JsonNode> runs() throws IOException {
    Path runs = home.resolve("runs");
    List<JsonNode> result = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(runs)) {
      for (Path dir : dirs.sorted().toList()) {
        result.add(JSON.readTree(dir.resolve("run.json").toFile()));
      }
    }
    return result;
  }

  private JsonNode runOf(RevCommit commit) throws IOException {
    return runs().stream()
        .filter(r -> r.path("commit").asText().equals(commit.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no run for " + commit.name()));
  }

  private ProcessDeployer deployer() {
    return new ProcessDeployer(
        home.resolve("deployments"), new FileSecretStore(home.resolve("secrets")));
  }

  /**
   * GET on the stable port; when it fails, the failure carries what both serve processes printed
   * and the deployer's state, so that a failure seen once (a CI run under load) can be explained.
   */
  private String getOrReport(String path, List<CairnChild> processes) throws Exception {
    try {
      return get(path);
    } catch (IOException e) {
      String state;
      try {
        state = Files.readString(home.resolve("deployments").resolve(ENV).resolve("state.json"));
      } catch (IOException unreadable) {
        state = "(state.json unreadable: " + unreadable.getMessage() + ")";
      }
      throw new AssertionError(
          "GET "
              + path
              + " on the stable port failed ("
              + e
              + ")\nserve output:\n"
              + String.join("\n", processes.stream().flatMap(p -> p.lines().stream()).toList())
              + "\ndeployer state: "
              + state,
          e);
    }
  }

  /** GET on the environment's stable port, on a new connection each time. */
  private String get(String path) throws Exception {
    return getText(appPort, path);
  }

  private static String getText(int port, String path) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
      return response.body();
    }
  }

  private static JsonNode getJson(int port, String path) throws Exception {
    return JSON.readTree(getText(port, path));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = LoopCrashTest.class.getResourceAsStream("/crash/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String shortId(RevCommit commit) {
    return commit.name().substring(0, 7);
  }

  /** A port as a user (or Cairn) would choose one: below the ephemeral range (LoopbackPorts). */
  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }
}
