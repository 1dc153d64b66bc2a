package dev.cairn.bench;

import dev.cairn.cli.SampleApp;
import dev.cairn.cli.loop.LocalCairn;
import dev.cairn.cli.loop.LoopOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * Measures Cairn's GitOps loop on one machine: its overhead over a bare shell script doing the same
 * commands, how fast a push starts a run (hook and polling), how long an automatic rollback takes,
 * how many requests fail while traffic switches, and Cairn's memory. A benchmark, not a test: run
 * by {@code bench/run-loop.sh}, never by the test suite.
 *
 * <p>Every scenario creates its own bare "origin" repository and clone under the workspace, starts
 * the real loop ({@link LocalCairn}) on it, pushes with JGit and runs the origin's post-receive
 * hook as git would (or not, to measure polling), and stops everything it started at its end.
 *
 * <p>Most scenarios deploy a tiny Python HTTP server ({@code /health}, {@code /version}) so that
 * Cairn's own time is not hidden by a build; one scenario deploys the real sample application
 * (examples/notes: Maven build, PostgreSQL, Flyway migrations).
 *
 * <p>Arguments (all optional): {@code --runs N} deploys per timed scenario (default 10), {@code
 * --workspace DIR} (default a new directory under /tmp), {@code --only a,b} to run some scenarios
 * (overhead, trigger, rollback, switch, memory, notes), {@code --cairn-root DIR} the repository
 * root (for the launcher and the sample application; default the current directory).
 */
public final class LoopBenchmark {
  private static final PersonIdent AUTHOR = new PersonIdent("Bench", "bench@example.com");
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);

  private final int runs;
  private final Path workspace;
  private final Path cairnRoot;
  private final Set<String> only;
  private final String python;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private LoopBenchmark(int runs, Path workspace, Path cairnRoot, Set<String> only, String python) {
    this.runs = runs;
    this.workspace = workspace;
    this.cairnRoot = cairnRoot;
    this.only = only;
    this.python = python;
  }

  /**
   * Runs the benchmarks and prints a markdown table.
   *
   * @param args see the class documentation
   */
  public static void main(String[] args) throws Exception {
    int runs = 10;
    Path workspace = null;
    Path cairnRoot = Path.of("").toAbsolutePath();
    Set<String> only = Set.of("overhead", "trigger", "rollback", "switch", "memory", "notes");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--workspace" -> workspace = Path.of(args[++i]).toAbsolutePath();
        case "--cairn-root" -> cairnRoot = Path.of(args[++i]).toAbsolutePath();
        case "--only" -> only = Set.of(args[++i].split(","));
        default -> {
          System.err.println(
              "usage: LoopBenchmark [--runs N] [--workspace DIR] [--only a,b] [--cairn-root DIR]");
          System.exit(64);
        }
      }
    }
    if (workspace == null) {
      workspace = Path.of("/tmp", "cairn-loopbench-" + System.currentTimeMillis());
    }
    // PostgreSQL runs as its own user and must traverse the path to its data.
    Files.createDirectories(workspace);
    Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwxr-xr-x"));
    // Each request opens its own connection, like independent clients.
    System.setProperty("http.keepAlive", "false");
    String python = realPython();
    new LoopBenchmark(runs, workspace, cairnRoot, only, python).runAll();
  }

  private void runAll() throws Exception {
    System.err.println("loopbench: workspace " + workspace);
    // Other work on the machine skews the figures: say how busy it was.
    notes.add("load average (1, 5, 15 min) at the start: " + loadAverage());
    if (only.contains("overhead") || only.contains("trigger") || only.contains("switch")) {
      overheadHookAndSwitch();
    }
    if (only.contains("trigger")) {
      polling(Duration.ofSeconds(1));
      polling(Duration.ofSeconds(5));
    }
    if (only.contains("rollback")) {
      rollback();
    }
    if (only.contains("memory")) {
      memory();
    }
    if (only.contains("notes")) {
      notesEndToEnd();
    }
    notes.add("load average (1, 5, 15 min) at the end: " + loadAverage());
    print();
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "?";
    }
  }

  // ---------------------------------------------------------------- scenarios

  /** Overhead over a bare script, push-to-run with the hook, and a switch under load. */
  private void overheadHookAndSwitch() throws Exception {
    Path dir = workspace.resolve("overhead");
    try (Scenario scenario = Scenario.tiny(dir, python, Duration.ofSeconds(5), "0s", "100ms")) {
      scenario.deployFirst();
      List<Double> cairnMillis = new ArrayList<>();
      List<Double> bareMillis = new ArrayList<>();
      List<Double> triggerMillis = new ArrayList<>();
      Map<String, List<Double>> phases = new LinkedHashMap<>();
      for (int i = 0; i < runs; i++) {
        RevCommit commit = scenario.change("overhead " + i);
        long start = nowMicros();
        scenario.push(commit, true);
        long serving = scenario.awaitServing(commit.getName());
        scenario.awaitEnded(commit);
        cairnMillis.add((serving - start) / 1000.0);
        long runStarted = scenario.eventAt(commit, "run-started");
        long built = scenario.eventAt(commit, "build-succeeded");
        long switched = scenario.eventAt(commit, "switched");
        triggerMillis.add((runStarted - start) / 1000.0);
        phases
            .computeIfAbsent("push → run-started", k -> new ArrayList<>())
            .add(ms(start, runStarted));
        phases
            .computeIfAbsent("run-started → build-succeeded", k -> new ArrayList<>())
            .add(ms(runStarted, built));
        phases
            .computeIfAbsent("build-succeeded → switched", k -> new ArrayList<>())
            .add(ms(built, switched));
        phases
            .computeIfAbsent("switched → stable port serves", k -> new ArrayList<>())
            .add(ms(switched, serving));
        // Interleaved, so that both see the same state of the machine.
        bareMillis.add(bareRun(scenario, i));
      }
      double overhead = median(cairnMillis) - median(bareMillis);
      if (only.contains("overhead")) {
        row(
            "1. Overhead",
            "tiny app, push → new release serving on the stable port (Cairn, hook, bake 0s)",
            stats(cairnMillis));
        row(
            "1. Overhead",
            "same commands by a bare shell script (copy, build, start, wait healthy)",
            stats(bareMillis));
        row(
            "1. Overhead",
            "**Cairn's overhead** (difference of medians)",
            String.format(Locale.ROOT, "**%.0f ms**", overhead));
        for (var phase : phases.entrySet()) {
          row("1. Overhead", "  phase: " + phase.getKey(), stats(phase.getValue()));
        }
      }
      if (only.contains("trigger")) {
        row(
            "2. Push → run-started",
            "post-receive hook (push, then the hook notifies Cairn)",
            stats(triggerMillis));
      }
      if (only.contains("switch")) {
        switchUnderLoad(scenario);
      }
      notes.add("build isolation during the runs: " + scenario.cairn.jobs().isolation());
    }
  }

  /** The bare script: the same commands, no Cairn, timed from its start until healthy. */
  private double bareRun(Scenario scenario, int i) throws Exception {
    Path script = cairnRoot.resolve("bench").resolve("bare-deploy.sh");
    int port = freePort();
    Path work = scenario.dir.resolve("bare-" + i);
    String commit = scenario.git.getRepository().resolve("HEAD").getName();
    long start = nowMicros();
    Process process =
        new ProcessBuilder(
                "bash",
                script.toString(),
                scenario.clone.toString(),
                work.toString(),
                String.valueOf(port),
                commit,
                python)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("bare-deploy.sh failed");
    }
    long healthy = nowMicros();
    String version = get(port, "/version");
    if (version == null || !version.trim().equals(commit)) {
      throw new IllegalStateException("the bare deploy does not serve " + commit + ": " + version);
    }
    long pid = Long.parseLong(Files.readString(work.resolve("pid")).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    return (healthy - start) / 1000.0;
  }

  /** N deploys while a bounded client loop calls the stable port, one connection per request. */
  private void switchUnderLoad(Scenario scenario) throws Exception {
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
    Thread load =
        Thread.ofPlatform()
            .start(
                () -> {
                  // Bounded: at most 2,000,000 requests, and only while the deploys run.
                  for (int i = 0; i < 2_000_000 && loading.get(); i++) {
                    String failure = request(scenario.appPort, "/version");
                    if (failure == null) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                      failures.computeIfAbsent(failure, f -> new AtomicLong()).incrementAndGet();
                    }
                  }
                });
    long start = nowMicros();
    int switches = 0;
    for (int i = 0; i < runs; i++) {
      RevCommit commit = scenario.change("switch " + i);
      scenario.push(commit, true);
      scenario.awaitServing(commit.getName());
      String outcome = scenario.awaitEnded(commit);
      if (outcome.equals("SUCCEEDED")) {
        switches++;
      }
    }
    loading.set(false);
    load.join();
    double seconds = (nowMicros() - start) / 1e6;
    row(
        "4. Switch under load",
        runs
            + " deploys ("
            + switches
            + " succeeded, bake 0s: the old release stops right after the switch), "
            + "1 client, new connection per request",
        String.format(
            Locale.ROOT,
            "%d requests (%.0f/s), **%d failed**",
            ok.get() + failed.get(),
            (ok.get() + failed.get()) / seconds,
            failed.get()));
    if (!failures.isEmpty()) {
      notes.add("failures during the switches: " + failures);
    }
  }

  /** Push without the hook: the watcher's poll finds the commit. */
  private void polling(Duration interval) throws Exception {
    Path dir = workspace.resolve("poll-" + interval.toMillis() + "ms");
    try (Scenario scenario = Scenario.tiny(dir, python, interval, "0s", "100ms")) {
      scenario.deployFirst();
      List<Double> millis = new ArrayList<>();
      int samples = interval.toSeconds() >= 5 ? Math.max(4, runs * 2 / 3) : runs;
      for (int i = 0; i < samples; i++) {
        RevCommit commit = scenario.change("poll " + i);
        // A random phase against the poll timer: otherwise the push would always land at the same
        // point of the interval, right after the previous run ended.
        Thread.sleep(ThreadLocalRandom.current().nextLong(interval.toMillis()));
        long start = nowMicros();
        scenario.push(commit, false);
        scenario.awaitEnded(commit);
        millis.add(ms(start, scenario.eventAt(commit, "run-started")));
      }
      row(
          "2. Push → run-started",
          "polling only, interval " + interval.toSeconds() + "s",
          stats(millis));
    }
  }

  /** A release that fails during its bake; time until the stable port serves the last good. */
  private void rollback() throws Exception {
    Path dir = workspace.resolve("rollback");
    int rounds = Math.max(3, runs / 2);
    try (Scenario scenario = Scenario.tiny(dir, python, Duration.ofSeconds(5), "10s", null)) {
      String good = scenario.deployFirst().getName();
      List<Double> fromFirstFailure = new ArrayList<>();
      List<Double> fromThreshold = new ArrayList<>();
      List<Double> badServed = new ArrayList<>();
      int failedRequests = 0;
      for (int i = 0; i < rounds; i++) {
        Path healthLog = dir.resolve("health-" + i + ".log");
        RevCommit bad = scenario.changeApp("rollback " + i, 3, healthLog);
        Poller poller = new Poller(scenario.appPort, good, bad.getName());
        scenario.push(bad, true);
        String outcome = scenario.awaitEnded(bad);
        long backToGood = poller.awaitBackToGood();
        failedRequests += poller.failed.get();
        if (!outcome.contains("SUCCEEDED") && backToGood > 0) {
          List<long[]> checks = readHealthLog(healthLog);
          long firstFailure = -1;
          long crossing = -1;
          int consecutive = 0;
          for (long[] check : checks) {
            if (check[1] >= 500) {
              consecutive++;
              if (firstFailure < 0) {
                firstFailure = check[0];
              }
              if (consecutive == 3 && crossing < 0) {
                crossing = check[0];
              }
            } else {
              consecutive = 0;
            }
          }
          fromFirstFailure.add((backToGood - firstFailure / 1000) / 1000.0);
          fromThreshold.add((backToGood - crossing / 1000) / 1000.0);
          badServed.add((poller.lastBad.get() - poller.firstBad.get()) / 1000.0);
        } else {
          notes.add(
              "rollback round " + i + ": outcome " + outcome + ", back to good: " + backToGood);
        }
      }
      row(
          "3. Rollback",
          "first failing health check → stable port serves the last good (health interval 1s, threshold 3)",
          stats(fromFirstFailure));
      row(
          "3. Rollback",
          "third failing check (threshold crossed) → stable port serves the last good",
          stats(fromThreshold));
      row(
          "3. Rollback",
          "how long the bad release had traffic (first → last answer from it)",
          stats(badServed));
      row(
          "3. Rollback",
          "requests failed on the stable port during the rollbacks (poller, ~2 ms apart)",
          String.valueOf(failedRequests));
    }
  }

  /** Cairn as its own process (./cairn serve): RSS idle and during runs, heap used. */
  private void memory() throws Exception {
    Path dir = workspace.resolve("memory");
    Scenario scenario = Scenario.repositoryOnly(dir, python, "0s", "100ms");
    Path home = dir.resolve("home");
    Path log = dir.resolve("serve.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                cairnRoot.resolve("cairn").toString(),
                "serve",
                "--repo",
                scenario.origin.toString(),
                "--poll",
                "5s",
                "--port",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("CAIRN_HOME", home.toString());
    Process serve = builder.start();
    try {
      awaitLine(log, "cairn: watching", serve);
      // The launcher execs java, so the process is the JVM itself.
      long pid = serve.pid();
      // Its first check finds the first commit: deploy it, then let things settle.
      scenario.awaitServingOnly(scenario.firstCommit().getName());
      Thread.sleep(10_000);
      List<Double> idleBefore = sampleRss(pid, Duration.ofSeconds(5));
      String heapIdle = heapUsed(pid);
      List<Double> during = new ArrayList<>();
      RssSampler sampler = new RssSampler(pid);
      sampler.start();
      for (int i = 0; i < runs; i++) {
        RevCommit commit = scenario.change("memory " + i);
        scenario.pushAndHook(commit);
        scenario.awaitServingOnly(commit.getName());
      }
      Thread.sleep(2000);
      sampler.stop();
      during.addAll(sampler.samples);
      String heapAfter = heapUsed(pid);
      Thread.sleep(10_000);
      List<Double> idleAfter = sampleRss(pid, Duration.ofSeconds(5));
      row(
          "5. Memory",
          "RSS of `cairn serve` (launcher flags), idle after its first deploy",
          String.format(Locale.ROOT, "%.0f MiB", median(idleBefore)));
      row(
          "5. Memory",
          "RSS during " + runs + " runs (tiny app), max / median",
          String.format(Locale.ROOT, "%.0f / %.0f MiB", max(during), median(during)));
      row(
          "5. Memory",
          "RSS idle after the runs",
          String.format(Locale.ROOT, "%.0f MiB", median(idleAfter)));
      row(
          "5. Memory",
          "heap used (jcmd GC.heap_info): idle / right after the runs",
          heapIdle + " / " + heapAfter);
    } finally {
      serve.destroy();
      serve.waitFor(30, TimeUnit.SECONDS);
      // Releases and proxies outlive Cairn by design: adopt them in-process and stop them.
      try (LocalCairn cleanup = scenario.startCairn(home, Duration.ofSeconds(60))) {
        cleanup.stopEverything();
      }
      scenario.git.close();
    }
  }

  /** The real sample application: Maven build, PostgreSQL, migrations, bake 5s. */
  private void notesEndToEnd() throws Exception {
    Path dir = workspace.resolve("notes");
    try (Scenario scenario = Scenario.notes(dir, cairnRoot)) {
      for (int i = 0; i < 2; i++) {
        RevCommit commit = i == 0 ? scenario.firstCommit() : scenario.changeReadme("change " + i);
        long start = nowMicros();
        scenario.push(commit, true);
        long serving = scenario.awaitServing(commit.getName());
        String outcome = scenario.awaitEnded(commit);
        long ended = scenario.eventAt(commit, "run-ended");
        String what =
            i == 0 ? "first deploy (PostgreSQL created)" : "a change (PostgreSQL running)";
        row(
            "6. Notes app",
            what + ": push → serving / run ended (" + outcome + ")",
            String.format(
                Locale.ROOT,
                "%.1f s / %.1f s",
                ms(start, serving) / 1000,
                ms(start, ended) / 1000));
        row(
            "6. Notes app",
            "  phase: run-started → build-succeeded (Maven, offline)",
            String.format(
                Locale.ROOT,
                "%.1f s",
                ms(
                        scenario.eventAt(commit, "run-started"),
                        scenario.eventAt(commit, "build-succeeded"))
                    / 1000));
        row(
            "6. Notes app",
            "  phase: build-succeeded → switched (services, migrations, start, health)",
            String.format(
                Locale.ROOT,
                "%.1f s",
                ms(
                        scenario.eventAt(commit, "build-succeeded"),
                        scenario.eventAt(commit, "switched"))
                    / 1000));
      }
    }
  }

  // ---------------------------------------------------------------- the scenario

  /** An origin, a clone and a running loop on them. */
  static final class Scenario implements AutoCloseable {
    final Path dir;
    final Path origin;
    final Path clone;
    final Git git;
    final int appPort;
    final String python;
    final Map<String, Map<String, Long>> events = new ConcurrentHashMap<>();
    final Map<String, CompletableFuture<String>> ended = new ConcurrentHashMap<>();
    LocalCairn cairn;
    private RevCommit first;

    private Scenario(Path dir, String python) throws Exception {
      this.dir = dir;
      this.python = python;
      Files.createDirectories(dir);
      this.origin = dir.resolve("origin.git");
      this.clone = dir.resolve("app");
      this.appPort = freePort();
      Git.init()
          .setBare(true)
          .setInitialBranch("main")
          .setDirectory(origin.toFile())
          .call()
          .close();
      this.git =
          Git.cloneRepository()
              .setURI(origin.toUri().toString())
              .setDirectory(clone.toFile())
              .call();
    }

    static Scenario repositoryOnly(Path dir, String python, String bake, String healthInterval)
        throws Exception {
      Scenario scenario = new Scenario(dir, python);
      scenario.writeTinyApp(bake, healthInterval, -1, null, "0");
      scenario.first = scenario.commitAll("tiny: first version");
      scenario.pushOnly();
      return scenario;
    }

    static Scenario tiny(Path dir, String python, Duration poll, String bake, String healthInterval)
        throws Exception {
      Scenario scenario = repositoryOnly(dir, python, bake, healthInterval);
      scenario.cairn = scenario.startCairn(dir.resolve("home"), poll);
      return scenario;
    }

    static Scenario notes(Path dir, Path cairnRoot) throws Exception {
      Scenario scenario = new Scenario(dir, null);
      Path sample = cairnRoot.resolve("examples").resolve("notes");
      SampleApp.copyInto(sample, scenario.clone);
      Path pipeline = scenario.clone.resolve("cairn.yml");
      Files.writeString(
          pipeline, Files.readString(pipeline).replace("port: 8080", "port: " + scenario.appPort));
      scenario.first = scenario.commitAll("notes: first version");
      scenario.cairn = scenario.startCairn(dir.resolve("home"), Duration.ofSeconds(5));
      return scenario;
    }

    LocalCairn startCairn(Path home, Duration poll) throws IOException {
      return LocalCairn.start(
          new LoopOptions(
              home,
              origin.toString(),
              "main",
              poll,
              "127.0.0.1",
              0,
              Map.of(
                  "MAVEN_OPTS",
                  "-Dmaven.repo.local="
                      + Path.of(System.getProperty("user.home"), ".m2", "repository")),
              this::event));
    }

    private void event(dev.cairn.pipeline.port.RunEvent event) {
      String runId = event.run();
      String kind = event.kind().wireName();
      String message = event.message();
      long at = nowMicros();
      if (kind.equals("build-output") || kind.equals("migrate-output")) {
        return;
      }
      String commit =
          cairn == null ? null : cairn.pipelines().runFacts(runId).path("commit").asText(null);
      if (commit == null) {
        return;
      }
      events.computeIfAbsent(commit, c -> new ConcurrentHashMap<>()).putIfAbsent(kind, at);
      if (kind.equals("run-ended")) {
        String outcome = message;
        var execution =
            cairn.pipelines().engine().list().stream()
                .filter(e -> e.name().equals(runId))
                .findFirst();
        if (execution.isPresent() && execution.get().error() != null) {
          outcome = message + " " + execution.get().error();
        }
        ended.computeIfAbsent(commit, c -> new CompletableFuture<>()).complete(outcome);
      }
    }

    RevCommit firstCommit() {
      return first;
    }

    /** Deploys the first commit and waits until it serves. */
    RevCommit deployFirst() throws Exception {
      push(first, true);
      awaitServing(first.getName());
      String outcome = awaitEnded(first);
      if (!outcome.equals("SUCCEEDED")) {
        throw new IllegalStateException("the first deploy did not succeed: " + outcome);
      }
      return first;
    }

    RevCommit change(String mark) throws Exception {
      writeTinyApp(currentBake(), currentInterval(), -1, null, mark);
      return commitAll("tiny: " + mark);
    }

    RevCommit changeApp(String mark, int failAfterSeconds, Path healthLog) throws Exception {
      writeTinyApp(currentBake(), currentInterval(), failAfterSeconds, healthLog, mark);
      RevCommit bad = commitAll("tiny: " + mark + " (goes unhealthy)");
      // Put the healthy app back for later commits, without committing it yet.
      return bad;
    }

    RevCommit changeReadme(String mark) throws Exception {
      Path readme = clone.resolve("README.md");
      Files.writeString(readme, Files.readString(readme) + "\n" + mark + "\n");
      return commitAll("notes: " + mark);
    }

    private String bake = "0s";
    private String interval;

    private String currentBake() {
      return bake;
    }

    private String currentInterval() {
      return interval;
    }

    private void writeTinyApp(
        String bake, String healthInterval, int failAfter, Path healthLog, String mark)
        throws IOException {
      this.bake = bake;
      this.interval = healthInterval;
      String health =
          healthInterval == null
              ? "{path: /health}"
              : "{path: /health, interval: " + healthInterval + "}";
      Files.writeString(
          clone.resolve("cairn.yml"),
          """
          name: tiny
          build:
            steps:
              - name: copy
                run: mkdir -p out && cp app.py out/
            artifact: out
          environments:
            - name: production
              app:
                start: %s app.py
                port: %d
                env:
                  CAIRN_COMMIT: "${commit}"
              health: %s
              bake: %s
          """
              .formatted(python, appPort, health, bake));
      Files.writeString(
          clone.resolve("app.py"),
          TINY_APP
              .replace("@MARK@", mark)
              .replace("@FAIL_AFTER@", String.valueOf(failAfter))
              .replace("@HEALTH_LOG@", healthLog == null ? "" : healthLog.toString()));
    }

    private RevCommit commitAll(String message) throws Exception {
      git.add().addFilepattern(".").call();
      git.add().addFilepattern(".").setUpdate(true).call();
      RevCommit commit =
          git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
      if (!git.getRepository().getBranch().equals("main")) {
        git.branchRename().setOldName(git.getRepository().getBranch()).setNewName("main").call();
      }
      return commit;
    }

    private void pushOnly() throws Exception {
      git.push()
          .setRemote("origin")
          .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
          .call();
    }

    /** Pushes, then (with {@code hook}) runs the origin's post-receive hook as git would. */
    void push(RevCommit commit, boolean hook) throws Exception {
      pushOnly();
      if (hook) {
        runHook(commit);
      }
    }

    void pushAndHook(RevCommit commit) throws Exception {
      push(commit, true);
    }

    private void runHook(RevCommit commit) throws Exception {
      String parent =
          commit.getParentCount() > 0
              ? commit.getParent(0).getName()
              : dev.cairn.git.hook.PostReceive.NO_COMMIT;
      if (!dev.cairn.git.hook.PostReceive.run(
          origin, parent, commit.getName(), "refs/heads/main")) {
        throw new IllegalStateException("no post-receive hook in " + origin);
      }
    }

    /** Polls the stable port every ~2 ms until it serves the commit; the time it first did. */
    long awaitServing(String commit) throws Exception {
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        String version = get(appPort, "/version");
        long at = nowMicros();
        if (version != null && version.contains(commit)) {
          return at;
        }
        CompletableFuture<String> end = ended.get(commit);
        if (end != null && end.isDone() && !end.join().equals("SUCCEEDED")) {
          throw new IllegalStateException(
              commit.substring(0, 7) + " did not deploy: " + end.join());
        }
        Thread.sleep(2);
      }
      throw new IllegalStateException(commit + " was not served within " + RUN_TIMEOUT);
    }

    long awaitServingOnly(String commit) throws Exception {
      return awaitServing(commit);
    }

    String awaitEnded(RevCommit commit) throws Exception {
      return ended
          .computeIfAbsent(commit.getName(), c -> new CompletableFuture<>())
          .get(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    long eventAt(RevCommit commit, String kind) {
      Long at = events.getOrDefault(commit.getName(), Map.of()).get(kind);
      if (at == null) {
        throw new IllegalStateException("no " + kind + " event for " + commit.getName());
      }
      return at;
    }

    @Override
    public void close() {
      if (cairn != null) {
        cairn.stopEverything();
        cairn.close();
        cairn = null;
      }
      git.close();
    }
  }

  /** The tiny application: /health (optionally failing after some seconds) and /version. */
  private static final String TINY_APP =
      """
      # A tiny release for Cairn's loop benchmark. MARK changes the tree of every commit.
      import http.server, os, time
      MARK = "@MARK@"
      FAIL_AFTER = @FAIL_AFTER@
      HEALTH_LOG = "@HEALTH_LOG@"
      COMMIT = os.environ.get("CAIRN_COMMIT", "unknown")
      STARTED = time.time()

      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              if self.path == "/health":
                  failing = FAIL_AFTER >= 0 and time.time() - STARTED > FAIL_AFTER
                  status = 500 if failing else 200
                  if HEALTH_LOG:
                      with open(HEALTH_LOG, "a") as log:
                          log.write("%d %d\\n" % (time.time_ns(), status))
                  self.reply(status, b"failing\\n" if failing else b"ok\\n")
              elif self.path == "/version":
                  self.reply(200, COMMIT.encode() + b"\\n")
              else:
                  self.reply(404, b"not found\\n")

          def reply(self, status, body):
              self.send_response(status)
              self.send_header("Content-Type", "text/plain")
              self.send_header("Content-Length", str(len(body)))
              self.end_headers()
              self.wfile.write(body)

          def log_message(self, *args):
              pass

      http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
      """;

  // ---------------------------------------------------------------- pollers and samplers

  /** Polls the stable port while a bad release deploys and rolls back. */
  static final class Poller {
    final AtomicLong firstBad = new AtomicLong(-1);
    final AtomicLong lastBad = new AtomicLong(-1);
    final AtomicLong backToGood = new AtomicLong(-1);
    final AtomicLong failed = new AtomicLong();
    private final Thread thread;

    Poller(int port, String good, String bad) {
      long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
      thread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (System.nanoTime() < deadline) {
                      String version = get(port, "/version");
                      long at = nowMicros();
                      if (version == null) {
                        failed.incrementAndGet();
                      } else if (version.trim().equals(bad)) {
                        firstBad.compareAndSet(-1, at);
                        lastBad.set(at);
                      } else if (version.trim().equals(good) && firstBad.get() > 0) {
                        backToGood.set(at);
                        return;
                      }
                      try {
                        Thread.sleep(2);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    long awaitBackToGood() throws InterruptedException {
      thread.join(RUN_TIMEOUT.toMillis());
      return backToGood.get();
    }
  }

  /** Samples a process's RSS every 100 ms. */
  static final class RssSampler {
    final List<Double> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final long pid;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    RssSampler(long pid) {
      this.pid = pid;
    }

    void start() {
      thread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (running.get()) {
                      samples.add(rssMiB(pid));
                      try {
                        Thread.sleep(100);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }
  }

  private static List<Double> sampleRss(long pid, Duration duration) throws Exception {
    RssSampler sampler = new RssSampler(pid);
    sampler.start();
    Thread.sleep(duration.toMillis());
    sampler.stop();
    return sampler.samples;
  }

  private static double rssMiB(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      // The process ended.
    }
    return Double.NaN;
  }

  private static String heapUsed(long pid) {
    try {
      Process jcmd =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  String.valueOf(pid),
                  "GC.heap_info")
              .redirectErrorStream(true)
              .start();
      String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor(30, TimeUnit.SECONDS);
      Matcher matcher =
          Pattern.compile("(?:total|committed) (\\d+)K, used (\\d+)K").matcher(output);
      if (matcher.find()) {
        return String.format(
            Locale.ROOT,
            "%.0f MiB (of %.0f MiB committed)",
            Long.parseLong(matcher.group(2)) / 1024.0,
            Long.parseLong(matcher.group(1)) / 1024.0);
      }
      return "?";
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }

  private static void awaitLine(Path log, String text, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("cairn serve ended: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("cairn serve did not start: " + Files.readString(log));
  }

  private static List<long[]> readHealthLog(Path file) throws IOException {
    List<long[]> checks = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.trim().split(" ");
      if (parts.length == 2) {
        checks.add(new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])});
      }
    }
    return checks;
  }

  // ---------------------------------------------------------------- helpers

  /** Wall-clock microseconds: comparable with the times the Python app writes. */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private static double ms(long fromMicros, long toMicros) {
    return (toMicros - fromMicros) / 1000.0;
  }

  /** GET on its own connection: the body, or null when it failed or was not 2xx. */
  static String get(int port, String path) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(5000);
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

  /** GET on its own connection: null when it answered 2xx, else what went wrong. */
  static String request(int port, String path) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      try (InputStream stream =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (stream != null) {
          stream.readAllBytes();
        }
      }
      return status >= 200 && status < 300 ? null : "HTTP " + status;
    } catch (IOException e) {
      return e.getClass().getSimpleName();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String realPython() throws Exception {
    Process process =
        new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
            .redirectErrorStream(true)
            .start();
    String path =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.waitFor() != 0 || path.isEmpty()) {
      throw new IllegalStateException("python3 is needed for the tiny app: " + path);
    }
    return path;
  }

  private static double median(List<Double> values) {
    double[] sorted =
        values.stream()
            .mapToDouble(Double::doubleValue)
            .filter(v -> !Double.isNaN(v))
            .sorted()
            .toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static double max(List<Double> values) {
    return values.stream()
        .mapToDouble(Double::doubleValue)
        .filter(v -> !Double.isNaN(v))
        .max()
        .orElse(Double.NaN);
  }

  private static String stats(List<Double> millis) {
    if (millis.isEmpty()) {
      return "no samples";
    }
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return String.format(
        Locale.ROOT,
        "median %s, min %s, max %s (n=%d)",
        duration(median(millis)),
        duration(sorted[0]),
        duration(sorted[sorted.length - 1]),
        sorted.length);
  }

  private static String duration(double millis) {
    return millis >= 10_000
        ? String.format(Locale.ROOT, "%.1f s", millis / 1000)
        : String.format(Locale.ROOT, "%.0f ms", millis);
  }

  private void row(String group, String what, String value) {
    rows.add(new String[] {group, what, value});
    System.err.println("loopbench: " + group + " | " + what + " | " + value);
  }

  private void print() {
    System.out.println(
        "Cairn loop benchmark, "
            + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores, Java "
            + System.getProperty("java.vm.version")
            + " ("
            + System.getProperty("java.vm.name")
            + ")");
    System.out.println();
    System.out.println("| Benchmark | What | Result |");
    System.out.println("|---|---|---|");
    for (String[] row : rows) {
      System.out.println("| " + row[0] + " | " + row[1] + " | " + row[2] + " |");
    }
    if (!notes.isEmpty()) {
      System.out.println();
      notes.forEach(n -> System.out.println("- " + n));
    }
    System.out.println();
    System.out.println("Workspace: " + workspace);
  }
}
