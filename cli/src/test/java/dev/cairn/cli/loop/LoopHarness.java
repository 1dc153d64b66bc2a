package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.HistoryEvent;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.RunEvent;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * A developer's side of the loop for end-to-end tests: a bare origin with Cairn's post-receive
 * hook, a clone to commit in, and Cairn itself, whose listener's events are recorded. Runs are
 * awaited through futures completed by the listener's {@code run-ended} events, never by sleeping.
 */
final class LoopHarness implements AutoCloseable {
  static final PersonIdent DEVELOPER = new PersonIdent("Test Developer", "dev@example.com");
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  /** One listener event. */
  record Event(String runId, String kind, String environment, String message) {}

  /**
   * How a run ended: the engine's status and error, the facts the run recorded, and what the run
   * told its listener (kind, environment and message of each event), so that an unexpected
   * outcome's assertion says why.
   */
  record Outcome(
      String runId,
      String status,
      String error,
      String cause,
      ObjectNode facts,
      List<String> story) {
    String production() {
      return facts.path("outcomes").path("production").asText("");
    }

    @Override
    public String toString() {
      return "run "
          + runId
          + " "
          + status
          + (error == null ? "" : " " + error + ": " + cause)
          + ", outcomes "
          + facts.path("outcomes")
          + story.stream().map(line -> "\n  " + line).collect(Collectors.joining());
    }
  }

  /** An assertion on a run's production outcome whose failure tells the run's story. */
  static org.assertj.core.api.AbstractStringAssert<?> assertProduction(Outcome outcome) {
    return org.assertj.core.api.Assertions.assertThat(outcome.production())
        .as("the production outcome of %s", outcome);
  }

  final Path root;
  final Path origin;
  final Path clone;
  final Path home;
  final int appPort;
  final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

  /** The runs' traces, as Cairn exports them. */
  final InMemorySpanExporter spans = InMemorySpanExporter.create();

  private final Git git;
  private final Map<String, CompletableFuture<String>> runIdByCommit = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<String>> startedByCommit = new ConcurrentHashMap<>();
  private final List<Consumer<Event>> watchers = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private LocalCairn cairn;

  private LoopHarness(Path root) throws Exception {
    this.root = root;
    this.origin = root.resolve("origin.git");
    this.clone = root.resolve("app");
    this.home = root.resolve("home");
    this.appPort = freePort();
    Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call().close();
    this.git = Git.init().setInitialBranch("main").setDirectory(clone.toFile()).call();
    git.remoteAdd()
        .setName("origin")
        .setUri(new org.eclipse.jgit.transport.URIish(origin.toUri().toURL()))
        .call();
  }

  /** A new origin and clone under {@code root} (which PostgreSQL need not reach: no services). */
  static LoopHarness create(Path root) throws Exception {
    return new LoopHarness(root);
  }

  /** The tiny application: a Python HTTP server answering /health and /version (the commit). */
  static String app() {
    return """
        import os, http.server
        COMMIT = os.environ.get("CAIRN_COMMIT", "").encode()
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/health":
                    body = b"ok"
                elif self.path == "/version":
                    body = COMMIT
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
        """;
  }

  /**
   * A pipeline file for the tiny application: the build copies app.py, the release runs it.
   *
   * @param buildSteps the YAML list items of build.steps, each starting with "- "
   * @param buildEnv extra YAML lines of build.env (or empty)
   * @param start the release's start command
   * @param bake the bake duration
   */
  String pipeline(String buildSteps, String buildEnv, String start, String bake) {
    return "name: tiny\n"
        + "build:\n"
        + "  steps:\n"
        + buildSteps.lines().map(l -> "    " + l + "\n").collect(Collectors.joining())
        + "  artifact: out/\n"
        + (buildEnv.isEmpty()
            ? ""
            : "  env:\n"
                + buildEnv.lines().map(l -> "    " + l + "\n").collect(Collectors.joining()))
        + "environments:\n"
        + "  - name: production\n"
        + "    app:\n"
        + "      start: "
        + start
        + "\n"
        + "      port: "
        + appPort
        + "\n"
        + "      start-timeout: 30s\n"
        + "      env:\n"
        + "        CAIRN_COMMIT: \"${commit}\"\n"
        + "    health: {path: /health, interval: 100ms, failure-threshold: 3}\n"
        + "    bake: "
        + bake
        + "\n";
  }

  /** The default pipeline file: a copy build, python3 app.py, the given bake. */
  String pipeline(String bake) {
    return pipeline("- run: mkdir -p out && cp app.py out/", "", "python3 app.py", bake);
  }

  void write(String file, String content) throws IOException {
    Path path = clone.resolve(file);
    Files.createDirectories(path.getParent());
    Files.writeString(path, content);
  }

  RevCommit commit(String message) throws Exception {
    return commit(message, DEVELOPER);
  }

  RevCommit commit(String message, PersonIdent author) throws Exception {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit().setMessage(message).setAuthor(author).setCommitter(DEVELOPER).call();
  }

  /** A commit of the clone, by id. */
  RevCommit commitOf(String commit) throws IOException {
    try (org.eclipse.jgit.revwalk.RevWalk walk =
        new org.eclipse.jgit.revwalk.RevWalk(git.getRepository())) {
      RevCommit parsed = walk.parseCommit(git.getRepository().resolve(commit));
      walk.parseBody(parsed);
      return parsed;
    }
  }

  /** Pushes main to origin, then runs origin's post-receive hook as git would. */
  void push(RevCommit commit) throws Exception {
    git.push()
        .setRemote("origin")
        .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
        .call();
    String parent =
        commit.getParentCount() > 0
            ? commit.getParent(0).getName()
            : dev.cairn.git.hook.PostReceive.NO_COMMIT;
    // Before Cairn first starts, origin has no hook yet, as for a real user.
    dev.cairn.git.hook.PostReceive.run(origin, parent, commit.getName(), "refs/heads/main");
  }

  /** Pushes a commit to another branch of origin only (main there stays where it was). */
  void pushBranch(RevCommit commit, String branch) throws Exception {
    git.push()
        .setRemote("origin")
        .setRefSpecs(new RefSpec(commit.getName() + ":refs/heads/" + branch))
        .call();
  }

  /** Moves the clone's main (and work tree) back to {@code commit}. */
  void resetTo(RevCommit commit) throws Exception {
    git.reset()
        .setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD)
        .setRef(commit.getName())
        .call();
  }

  /** Starts Cairn on origin (after the first push, like a user would). */
  LocalCairn start() throws IOException {
    return start(LoopOptions.Security.DEFAULT);
  }

  /** Starts Cairn on origin with these security settings (e.g. a directory shared with jobs). */
  LocalCairn start(LoopOptions.Security security) throws IOException {
    return start(security, null);
  }

  /**
   * Starts Cairn on origin, posting commit statuses to {@code gitHub} (null: nowhere) with {@code
   * git-token} from its credentials.
   */
  LocalCairn start(LoopOptions.Security security, GitHubStatuses.Target gitHub) throws IOException {
    cairn =
        LocalCairn.start(
            new LoopOptions(
                home,
                origin.toString(),
                "main",
                Duration.ofMinutes(5), // only push notifications, so that the tests exercise them
                "127.0.0.1",
                0,
                Map.of(),
                this::heard,
                LoopOptions.AuditTrail.GIT,
                security,
                spans,
                gitHub));
    return cairn;
  }

  LocalCairn cairn() {
    return cairn;
  }

  /** GETs Cairn's {@code /metrics}, as Prometheus scrapes it when {@code authenticated}. */
  HttpResponse<String> metrics(boolean authenticated) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cairn.httpPort() + "/metrics"));
    if (authenticated) {
      request.header("Authorization", "Bearer " + cairn.apiToken().secret());
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** POSTs a JSON body to Cairn's API as the CLI does: with the API token. */
  HttpResponse<String> api(String path, String body) throws IOException {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cairn.httpPort() + path))
                  .header("Content-Type", "application/json")
                  .header("Authorization", "Bearer " + cairn.apiToken().secret())
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void heard(RunEvent heard) {
    String runId = heard.run();
    String kind = heard.kind().wireName();
    Event event = new Event(runId, kind, heard.environment(), heard.message());
    events.add(event);
    watchers.forEach(w -> w.accept(event));
    if (kind.equals("run-started") || kind.equals("run-ended")) {
      // run.json exists before run-started is reported.
      String commit = runJson(runId).path("commit").asText();
      CompletableFuture<String> future =
          runIdByCommit.computeIfAbsent(commit, c -> new CompletableFuture<>());
      if (kind.equals("run-ended")) {
        future.complete(runId);
      }
      startedByCommit.computeIfAbsent(commit, c -> new CompletableFuture<>()).complete(runId);
    }
  }

  private ObjectNode runJson(String runId) {
    try {
      return (ObjectNode)
          Json.parse(Files.readString(home.resolve("runs").resolve(runId).resolve("run.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Also tells {@code watcher} every event from now on (called on Cairn's threads). */
  void onEvent(Consumer<Event> watcher) {
    watchers.add(watcher);
  }

  /** Waits for the run of a commit to start and returns its id. */
  String awaitRunId(RevCommit commit) throws Exception {
    return startedByCommit
        .computeIfAbsent(commit.getName(), c -> new CompletableFuture<>())
        .get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** The directory a run's build works in. */
  Path workspace(String runId) {
    return home.resolve("runs").resolve(runId).resolve("workspace");
  }

  /** Waits for the run of a commit to end and describes how it ended. */
  Outcome awaitRun(RevCommit commit) throws Exception {
    return awaitRun(commit.getName());
  }

  /** Waits for the run of a commit, by its id, to end and describes how it ended. */
  Outcome awaitRun(String commit) throws Exception {
    String runId =
        runIdByCommit
            .computeIfAbsent(commit, c -> new CompletableFuture<>())
            .get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    return outcome(runId);
  }

  /** Waits for a run, by its run id, to end and describes how it ended. */
  Outcome awaitEnd(String runId) {
    org.awaitility.Awaitility.await("the run " + runId + " ends")
        .atMost(RUN_TIMEOUT)
        .until(() -> !outcome(runId).status().equals("RUNNING"));
    return outcome(runId);
  }

  /** Deletes a file of the clone, if it is there. */
  void delete(String file) throws IOException {
    Files.deleteIfExists(clone.resolve(file));
  }

  Outcome outcome(String runId) {
    ExecutionDescription execution = execution(runId);
    return new Outcome(
        runId,
        execution.status().name(),
        execution.error(),
        execution.cause(),
        cairn.pipelines().runFacts(runId),
        eventsOf(runId).stream()
            .map(
                e ->
                    e.kind()
                        + (e.environment() == null ? "" : " " + e.environment())
                        + ": "
                        + e.message())
            .toList());
  }

  private ExecutionDescription execution(String runId) {
    return cairn.pipelines().engine().list().stream()
        .filter(e -> e.name().equals(runId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no execution named " + runId));
  }

  /** The engine's history of a run, as Step Functions JSON, one event per element. */
  List<String> history(String runId) {
    return cairn.pipelines().engine().history(execution(runId).executionArn()).stream()
        .map(HistoryEvent::toStepFunctionsJson)
        .map(Json::write)
        .toList();
  }

  List<Event> eventsOf(String runId) {
    return events.stream().filter(e -> e.runId().equals(runId)).toList();
  }

  /** GET on the environment's stable port; the body of a 2xx answer, else empty. */
  Optional<String> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + appPort + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() / 100 == 2 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** What production's /version answers, or empty when nothing answers. */
  Optional<String> version() {
    return get("/version");
  }

  /** The stable port: chosen as Cairn chooses release ports, where no connection can take it. */
  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }

  /** Stops releases, proxies, services and Cairn, so that no process outlives the test. */
  @Override
  public void close() {
    try {
      if (cairn != null) {
        cairn.stopEverything();
        cairn.close();
      }
    } finally {
      git.close();
    }
  }

  static JsonNode parse(String text) {
    return Json.parse(text);
  }
}
