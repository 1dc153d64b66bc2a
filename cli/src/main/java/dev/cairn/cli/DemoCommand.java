package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.loop.AuditTrailView;
import dev.cairn.cli.loop.LocalCairn;
import dev.cairn.cli.loop.LoopOptions;
import dev.cairn.cli.loop.Narrator;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.RunEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cairn demo}: the whole loop on the sample application, narrated. It creates a bare
 * "origin" repository holding examples/notes and a clone, starts Cairn on it, and pushes five
 * commits: the first deploy, a change deployed under load, a commit that does not compile, a commit
 * whose health check fails after the switch, and a fix.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole pipeline on the sample application (examples/notes) with its PostgreSQL.",
      "Shows a deploy, a change under load, a failed build, an automatic rollback and a fix."
    })
public final class DemoCommand implements Callable<Integer> {
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  private static final PersonIdent AUTHOR = new PersonIdent("Demo Developer", "dev@example.com");

  @Option(
      names = "--exit",
      description =
          "Stop everything at the end and exit (0 only if every step behaved as expected).")
  boolean exit;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description =
          "Where to create the repositories and Cairn's state (default: a new temporary directory). Must be empty or absent.")
  Path workspace;

  @Option(names = "--verbose", description = "Also print build output.")
  boolean verbose;

  @Option(
      names = "--containers",
      description =
          "Release the sample as a container image built with Podman (examples/notes-container).")
  boolean containers;

  private final PrintStream out = System.out;
  private final List<String> failures = new ArrayList<>();
  private final Map<String, CompletableFuture<String>> runsByCommit = new ConcurrentHashMap<>();
  private LocalCairn cairn;
  private Git git;
  private Path origin;
  private int appPort;

  @Override
  public Integer call() throws Exception {
    Path root = prepareWorkspace();
    Path home = root.resolve("home");
    origin = root.resolve("origin.git");
    Path clone = root.resolve("notes");
    appPort = freePort();
    // Each request opens its own connection, like independent clients: a kept-alive connection
    // would stay with the old release until it stops.
    System.setProperty("http.keepAlive", "false");

    heading("Setting up");
    say("workspace  " + root);
    Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call().close();
    git =
        Git.cloneRepository().setURI(origin.toUri().toString()).setDirectory(clone.toFile()).call();
    copySampleApp(clone);
    RevCommit first = commit("notes: first version");
    if (!git.getRepository().getBranch().equals("main")) {
      // The developer's branch is main whatever the machine's default branch name is.
      git.branchRename().setOldName(git.getRepository().getBranch()).setNewName("main").call();
    }
    git.push()
        .setRemote("origin")
        .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("refs/heads/main:refs/heads/main"))
        .call();
    say("origin     " + origin + " (a bare repository, like a git host)");
    say("clone      " + clone + " (where the developer commits)");

    Narrator narrator = new Narrator(out, verbose);
    cairn =
        LocalCairn.start(
            new LoopOptions(
                home,
                origin.toString(),
                "main",
                Duration.ofSeconds(2),
                "127.0.0.1",
                0,
                // The sample's build runs Maven, which needs a JDK >= 21: the one running Cairn,
                // whatever java comes first on the PATH.
                Map.of(
                    "MAVEN_OPTS",
                    "-Dmaven.repo.local="
                        + Path.of(System.getProperty("user.home"), ".m2", "repository"),
                    "JAVA_HOME",
                    System.getProperty("java.home"),
                    "PATH",
                    Path.of(System.getProperty("java.home"), "bin")
                        + java.io.File.pathSeparator
                        + System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
                narrator.andThen(this::track)));
    say("cairn      http://127.0.0.1:" + cairn.httpPort() + "/api/status (state in " + home + ")");
    say("dashboard  " + dashboard("127.0.0.1", cairn.httpPort(), home));
    say("isolation  " + Narrator.describe(cairn.jobs().isolation()));
    say("app        http://127.0.0.1:" + appPort + " (production, once deployed)");

    try {
      stepFirstDeploy(first);
      RevCommit second = stepChangeUnderLoad(clone);
      stepBrokenBuild(clone, second);
      stepFailingHealth(clone, second);
      stepFix(clone);
      heading("Deployment history");
      printHistory();
      checkDashboard();
      printAuditTrail();
      heading(failures.isEmpty() ? "Every step behaved as expected" : "Unexpected results");
      failures.forEach(f -> say("  - " + f));
      if (!exit) {
        say("");
        say("The app and Cairn keep running. Try:");
        say("  curl http://127.0.0.1:" + appPort + "/notes");
        say("  curl http://127.0.0.1:" + cairn.httpPort() + "/api/runs");
        say("  open http://127.0.0.1:" + cairn.httpPort() + "/ in a browser (the dashboard)");
        say("  commit and push in " + clone + " and watch Cairn deploy it.");
        say("Press Ctrl-C to stop everything.");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      shutDown();
                      stopped.countDown();
                    }));
        stopped.await();
        return ExitCodes.OK;
      }
    } catch (RuntimeException e) {
      failures.add("the demo stopped: " + e.getMessage());
      say("cairn demo: " + e.getMessage());
    }
    shutDown();
    return failures.isEmpty() ? ExitCodes.OK : ExitCodes.EXECUTION_NOT_SUCCEEDED;
  }

  /** Where the dashboard is and how to log in to it (with the API token, never printed). */
  static String dashboard(String host, int port, Path home) {
    return "http://"
        + (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + port
        + "/ (log in with the API token: cat "
        + home.resolve("credentials").resolve(dev.cairn.local.secret.CairnCredentials.API_TOKEN)
        + ")";
  }

  // ---------------------------------------------------------------- the steps

  private void stepFirstDeploy(RevCommit first) throws Exception {
    heading("1. The first deploy");
    say("Cairn builds the commit in a sandbox, provisions PostgreSQL, runs the migrations,");
    say("starts the app, checks /health, switches the proxy on port " + appPort + " and bakes.");
    String outcome = awaitRun(first);
    expect(outcome.equals("SUCCEEDED"), "the first commit deploys", outcome);
    expectServing(first, "production serves the first commit");
    String created = http("POST", "/notes", "{\"text\": \"written before the change\"}");
    expect(created != null && created.contains("written before"), "a note can be written", created);
  }

  private RevCommit stepChangeUnderLoad(Path clone) throws Exception {
    heading("2. A change, deployed while clients keep calling");
    Path readme = clone.resolve("README.md");
    Files.writeString(readme, Files.readString(readme) + "\nDeployed by Cairn's demo.\n");
    RevCommit second = commit("notes: document the demo deployment");
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread load =
        Thread.ofVirtual()
            .start(
                () -> {
                  // Bounded: at most 100,000 requests, and only while the deploy runs.
                  for (int i = 0; i < 100_000 && loading.get(); i++) {
                    if (http("GET", "/notes", null) != null) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                    }
                  }
                });
    push(second);
    String outcome = awaitRun(second);
    loading.set(false);
    load.join();
    say("requests during the deploy: " + ok.get() + " answered, " + failed.get() + " failed");
    expect(outcome.equals("SUCCEEDED"), "the change deploys", outcome);
    expect(failed.get() == 0, "no request fails during the switch", failed.get() + " failed");
    expectServing(second, "production serves the change");
    String notes = http("GET", "/notes", null);
    expect(
        notes != null && notes.contains("written before the change"),
        "the note written before the change is still there (PostgreSQL kept its data)",
        notes);
    return second;
  }

  private void stepBrokenBuild(Path clone, RevCommit serving) throws Exception {
    heading("3. A commit that does not compile");
    Path main = findSource(clone, "Main.java");
    Files.writeString(main, Files.readString(main) + "\nthis is not Java;\n");
    RevCommit broken = commit("notes: a change that does not compile");
    push(broken);
    String outcome = awaitRun(broken);
    expect(outcome.startsWith("FAILED"), "the build fails", outcome);
    expectServing(serving, "production still serves the previous commit");
    // Put the file back for the next commits.
    Files.writeString(main, Files.readString(main).replace("\nthis is not Java;\n", ""));
  }

  private void stepFailingHealth(Path clone, RevCommit serving) throws Exception {
    heading("4. A commit whose /health starts failing after the switch");
    say("The release passes its first checks, takes traffic, then fails during the bake:");
    say("Cairn switches back to the last good release, still running, and marks the commit bad.");
    Path server = findSource(clone, "NotesServer.java");
    String code = Files.readString(server);
    String withBug =
        code.replace(
            "  private Response health() {\n",
            "  private Response health() {\n"
                + "    if (java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()"
                + " > 4000) {\n"
                + "      return failing(\"a bug: the cache is full\");\n"
                + "    }\n");
    if (withBug.equals(code)) {
      throw new IllegalStateException("the sample application's health() method was not found");
    }
    Files.writeString(server, withBug);
    RevCommit bad = commit("notes: cache responses");
    push(bad);
    String outcome = awaitRun(bad);
    expect(outcome.contains("Cairn.RolledBack"), "the release is rolled back", outcome);
    expectServing(serving, "production serves the last good commit again");
    expect(
        cairn.pipelines().ledger("production").isBad(bad.getName()),
        "the bad commit is marked bad, so it is never deployed again automatically",
        "not marked");
    Files.writeString(server, code);
  }

  private void stepFix(Path clone) throws Exception {
    heading("5. The fix");
    RevCommit fix = commit("notes: revert the response cache");
    push(fix);
    String outcome = awaitRun(fix);
    expect(outcome.equals("SUCCEEDED"), "the fix deploys", outcome);
    expectServing(fix, "production serves the fix");
  }

  private void printHistory() {
    JsonNode runs = cairn.runs();
    for (int i = runs.size() - 1; i >= 0; i--) {
      say("  " + dev.cairn.cli.loop.RunsView.line(runs.get(i)));
    }
  }

  /**
   * Logs in to the dashboard as a browser would (the API token, from this server's origin) and
   * checks that its runs page lists every run.
   */
  private void checkDashboard() {
    String base = "http://127.0.0.1:" + cairn.httpPort();
    List<String> missing = new java.util.ArrayList<>();
    try {
      java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
      var login =
          client.send(
              java.net.http.HttpRequest.newBuilder(URI.create(base + "/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .header("Origin", base)
                  .POST(
                      java.net.http.HttpRequest.BodyPublishers.ofString(
                          "token=" + cairn.apiToken().secret()))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.discarding());
      String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";", 2)[0];
      String page =
          client
              .send(
                  java.net.http.HttpRequest.newBuilder(URI.create(base + "/runs"))
                      .header("Cookie", cookie)
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      cairn
          .runs()
          .forEach(
              run -> {
                if (!page.contains("href=\"/runs/" + run.path("id").asText() + "\"")) {
                  missing.add(run.path("id").asText());
                }
              });
    } catch (IOException e) {
      missing.add("(the dashboard did not answer: " + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      missing.add("(interrupted)");
    }
    expect(missing.isEmpty(), "the dashboard lists every run", "missing " + missing);
  }

  /** The trail as git shows it, once every record is pushed. */
  private void printAuditTrail() throws IOException {
    heading("The audit trail in git (pushed to " + origin + ")");
    Optional<AuditDeliveryStatus> delivered = cairn.flushAudit();
    if (delivered.isEmpty()) {
      say("the audit trail is off");
      return;
    }
    List<String> trail = AuditTrailView.auditLog(origin);
    say("$ git log --format='%h %s' cairn/audit");
    trail.forEach(line -> say("  " + line));
    say("");
    say("$ git log --notes=cairn --format='%h %s%n%N' main");
    AuditTrailView.notesLog(origin, "main").forEach(line -> say("  " + line));
    String all = String.join("\n", trail);
    expect(
        delivered.get().delivered()
            && all.contains("production: deployed")
            && all.contains("build of ")
            && all.contains("production: rolled back")
            && all.contains("production: marked "),
        "every build, deployment and rollback is on the cairn/audit branch",
        delivered.get().pending() + " records not pushed, " + trail.size() + " on the branch");
  }

  // ---------------------------------------------------------------- helpers

  private Path prepareWorkspace() throws IOException {
    if (workspace == null) {
      // Not under the home directory: PostgreSQL runs as its own user and must reach its data,
      // so others may traverse (not list) the new directory, which is private by default.
      Path root = Files.createTempDirectory("cairn-demo-");
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
      return root;
    }
    if (Files.exists(workspace)) {
      try (Stream<Path> entries = Files.list(workspace)) {
        if (entries.findAny().isPresent()) {
          throw new UserInputException(
              "--workspace " + workspace + " is not empty; give an empty or new directory");
        }
      }
    }
    Files.createDirectories(workspace);
    return workspace.toAbsolutePath();
  }

  private void copySampleApp(Path clone) throws IOException {
    Path sample = findSampleApp();
    if (!Files.isRegularFile(sample.resolve("cairn.yml"))) {
      throw new UserInputException(
          "the sample application was not found at " + sample + " (run the demo through ./cairn)");
    }
    SampleApp.copyInto(sample, clone);
    if (containers) {
      try {
        say(
            "image      FROM "
                + DemoContainers.prepare(sample, clone)
                + " (built on this machine)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    Path pipeline = clone.resolve("cairn.yml");
    String text =
        Files.readString(pipeline)
            .replace("port: 8080", "port: " + appPort)
            .replaceAll("bake: \\d+s", "bake: 10s");
    Files.writeString(pipeline, text);
  }

  /**
   * examples/notes under CAIRN_ROOT if set, else under the current directory or the nearest parent
   * that has it (so that the demo also runs from a module's directory, as tests do).
   */
  private static Path findSampleApp() {
    String cairnRoot = System.getenv("CAIRN_ROOT");
    if (cairnRoot != null) {
      return Path.of(cairnRoot, "examples", "notes");
    }
    Path start = Path.of("").toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path sample = dir.resolve("examples").resolve("notes");
      if (Files.isRegularFile(sample.resolve("cairn.yml"))) {
        return sample;
      }
    }
    return start.resolve("examples").resolve("notes");
  }

  private static Path findSource(Path clone, String name) throws IOException {
    try (Stream<Path> files = Files.walk(clone.resolve("src/main/java"))) {
      return files
          .filter(f -> f.getFileName().toString().equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the sample has no " + name));
    }
  }

  private RevCommit commit(String message) throws GitAPIException {
    git.add().addFilepattern(".").call();
    git.add().addFilepattern(".").setUpdate(true).call();
    return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
  }

  /** Pushes, then runs the origin's post-receive hook as git would, which notifies Cairn. */
  private void push(RevCommit commit) throws Exception {
    say("push       " + commit.getName().substring(0, 7) + " " + commit.getShortMessage());
    git.push()
        .setRemote("origin")
        .setRefSpecs(new org.eclipse.jgit.transport.RefSpec("refs/heads/main:refs/heads/main"))
        .call();
    String parent =
        commit.getParentCount() > 0
            ? commit.getParent(0).getName()
            : dev.cairn.git.hook.PostReceive.NO_COMMIT;
    dev.cairn.git.hook.PostReceive.run(origin, parent, commit.getName(), "refs/heads/main");
  }

  private void track(RunEvent event) {
    if (event.kind() != RunEvent.Kind.RUN_ENDED) {
      return;
    }
    String runId = event.run();
    String commit = cairn.pipelines().run(runId).commit();
    String outcome = event.message();
    var execution =
        cairn.pipelines().engine().list().stream().filter(e -> e.name().equals(runId)).findFirst();
    if (execution.isPresent() && execution.get().error() != null) {
      outcome = event.message() + " " + execution.get().error();
    }
    runsByCommit.computeIfAbsent(commit, c -> new CompletableFuture<>()).complete(outcome);
  }

  private String awaitRun(RevCommit commit) throws Exception {
    Instant start = Instant.now();
    String outcome =
        runsByCommit
            .computeIfAbsent(commit.getName(), c -> new CompletableFuture<>())
            .get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    say(
        "run of "
            + commit.getName().substring(0, 7)
            + " ended: "
            + outcome
            + " ("
            + Duration.between(start, Instant.now()).toSeconds()
            + "s)");
    return outcome;
  }

  private void expectServing(RevCommit commit, String what) {
    String version = http("GET", "/version", null);
    expect(
        version != null && version.contains(commit.getName()),
        what + " (" + commit.getName().substring(0, 7) + ")",
        version);
  }

  private void expect(boolean condition, String what, Object actual) {
    if (condition) {
      say("  ok   " + what);
    } else {
      say("  FAIL " + what + " (got: " + actual + ")");
      failures.add(what + " (got: " + actual + ")");
    }
  }

  /** One request on its own connection; the body, or null when it failed or was not 2xx. */
  private String http(String method, String path, String body) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + appPort + path).toURL().openConnection();
      connection.setRequestMethod(method);
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(5000);
      if (body != null) {
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        try (OutputStream stream = connection.getOutputStream()) {
          stream.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = connection.getResponseCode();
      try (InputStream stream =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        String text =
            stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        return status >= 200 && status < 300 ? text : null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  /** The demo's stable port: where no outgoing connection (the demo's own load) can take it. */
  private static int freePort() throws IOException {
    return dev.cairn.pipeline.net.LoopbackPorts.pick(java.util.Set.of());
  }

  private void shutDown() {
    if (cairn != null) {
      say("stopping the app, its proxy, PostgreSQL and Cairn ...");
      cairn.stopEverything();
      cairn.close();
      cairn = null;
    }
    if (git != null) {
      git.close();
    }
  }

  private void heading(String text) {
    out.println();
    out.println("== " + text);
  }

  private void say(String text) {
    out.println(text);
  }
}
