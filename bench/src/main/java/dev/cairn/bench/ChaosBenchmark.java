package dev.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.cli.loop.LocalCairn;
import dev.cairn.cli.loop.LoopOptions;
import dev.cairn.engine.execution.ExecutionDescription;
import dev.cairn.engine.execution.ExecutionStatus;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.git.audit.AuditTrail;
import dev.cairn.pipeline.audit.TrailEntry;
import dev.cairn.pipeline.json.Json;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The chaos benchmark of issue #13: an application with a Redis database in two environments,
 * served by a real {@code cairn serve} process; N iterations, each pushing a random kind of commit
 * and killing (SIGKILL) a random victim at a random moment — {@code serve} (restarted at once, as
 * its systemd unit would), a build, the live release, a proxy, Redis, or nothing. After each fault
 * it checks the invariants and measures how long healing took; at the end a good commit must deploy
 * everywhere, {@code cairn audit verify} must pass and no process may be left behind.
 *
 * <p>Not a test (CI never runs it): {@code bench/run-chaos.sh [--iterations N] [--seed S]}.
 */
public final class ChaosBenchmark {
  private static final PersonIdent AUTHOR = new PersonIdent("Chaos", "chaos@example.com");
  private static final List<String> TWO_ENVIRONMENTS = List.of("staging", "production");
  private static final List<String> THREE_ENVIRONMENTS = List.of("staging", "canary", "production");

  /** How long an environment may take to serve again after a fault. */
  private static final Duration HEAL_BOUND = Duration.ofSeconds(90);

  /** How long a run may take to end. */
  private static final Duration RUN_BOUND = Duration.ofMinutes(4);

  enum Kind {
    GOOD,
    BUILD_FAILURE,
    UNHEALTHY_IN_BAKE,
    SLOW_START
  }

  enum Victim {
    SERVE,
    BUILD,
    LIVE_RELEASE,
    PROXY,
    REDIS,
    NOTHING
  }

  private final int iterations;
  private final int burst;
  private final List<String> environments;
  private final Random random;
  private final long seed;
  private final Path workspace;
  private final Path cairnRoot;
  private final Path home;
  private final Path origin;
  private final Path clone;
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<Victim, List<Double>> healSeconds = new EnumMap<>(Victim.class);
  private final Map<Victim, Integer> victimsFound = new EnumMap<>(Victim.class);
  private final Map<String, Long> lastCount = new HashMap<>();
  private final Load load = new Load();
  private Git git;
  private Process serve;
  private int generation;
  private volatile String proxyVictim;

  /** The victim of the iteration from its kill until every environment serves again, or null. */
  private volatile Victim currentVictim;

  private ChaosBenchmark(int iterations, int burst, long seed, Path workspace, Path cairnRoot)
      throws IOException {
    this.iterations = iterations;
    this.burst = burst;
    this.environments = burst > 0 ? THREE_ENVIRONMENTS : TWO_ENVIRONMENTS;
    this.seed = seed;
    this.random = new Random(seed);
    this.workspace = workspace;
    this.cairnRoot = cairnRoot;
    this.home = workspace.resolve("home");
    this.origin = workspace.resolve("origin.git");
    this.clone = workspace.resolve("app");
    for (String environment : environments) {
      ports.put(environment, freePort());
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args {@code --workspace DIR --cairn-root DIR [--iterations N] [--seed S]}, or {@code
   *     --burst N} for the load test instead: N good commits pushed within ten seconds to a
   *     repository with three environments
   */
  public static void main(String[] args) throws Exception {
    int iterations = 50;
    int burst = 0;
    long seed = System.nanoTime();
    Path workspace = null;
    Path root = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--burst" -> burst = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--workspace" -> workspace = Path.of(args[++i]);
        case "--cairn-root" -> root = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (workspace == null || root == null) {
      throw new IllegalArgumentException("--workspace and --cairn-root are required");
    }
    Files.createDirectories(workspace);
    ChaosBenchmark bench = new ChaosBenchmark(iterations, burst, seed, workspace, root);
    int exit = burst > 0 ? bench.burst() : bench.run();
    System.exit(exit);
  }

  private int run() throws Exception {
    long started = System.nanoTime();
    log("workspace " + workspace + ", seed " + seed + ", " + iterations + " iterations");
    setUpRepository();
    startServe();
    String first = git.getRepository().resolve("HEAD").getName();
    for (String environment : environments) {
      awaitServing(environment, Set.of(first), RUN_BOUND);
    }
    load.start();
    Map<Kind, Integer> kinds = new EnumMap<>(Kind.class);
    for (int i = 1; i <= iterations; i++) {
      Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
      Victim victim = Victim.values()[random.nextInt(Victim.values().length)];
      kinds.merge(kind, 1, Integer::sum);
      iteration(i, kind, victim);
    }
    // The end: a good commit deploys everywhere.
    RevCommit last = commit(Kind.GOOD, "chaos: final good commit");
    push();
    awaitRun(last.getName());
    for (String environment : environments) {
      awaitServing(environment, Set.of(last.getName()), HEAL_BOUND);
    }
    load.stop();
    // Stopping serve delivers what its audit outbox still holds.
    stopEverything();
    checkTrail();
    verifyAudit();
    checkNothingLeft();
    report(kinds, Duration.ofNanos(System.nanoTime() - started));
    return violations.isEmpty() ? 0 : 1;
  }

  // ------------------------------------------------------------------ the burst

  /**
   * N good commits pushed within ten seconds: every commit must be recorded (run started, then
   * deployed or superseded in each environment it reached), none dropped, and the newest must end
   * up live everywhere.
   */
  private int burst() throws Exception {
    log("workspace " + workspace + ", burst of " + burst + " pushes in 10 s, 3 environments");
    setUpRepository();
    startServe();
    String first = git.getRepository().resolve("HEAD").getName();
    for (String environment : environments) {
      awaitServing(environment, Set.of(first), RUN_BOUND);
    }
    load.start();
    List<String> pushed = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 1; i <= burst; i++) {
      pushed.add(commit(Kind.GOOD, "burst " + i).getName());
      push();
      long due = started + Duration.ofSeconds(10).toNanos() * i / burst;
      sleepMillis(Math.max(0, (due - System.nanoTime()) / 1_000_000));
    }
    double pushSeconds = (System.nanoTime() - started) / 1e9;
    String newest = pushed.getLast();
    for (String environment : environments) {
      awaitServing(environment, Set.of(newest), RUN_BOUND);
    }
    double liveSeconds = (System.nanoTime() - started) / 1e9;
    for (String commit : pushed) {
      if (awaitRun(commit).isEmpty()) {
        violation(0, "no ended run for " + commit.substring(0, 7));
      }
    }
    load.stop();
    stopEverything();
    Map<String, Map<String, Integer>> outcomes = new LinkedHashMap<>();
    Set<String> runStarted = new TreeSet<>();
    try (AuditTrail trail = AuditTrail.open(origin, null, null)) {
      for (TrailEntry entry : trail.entries()) {
        if (entry.event().wireName().equals("run-started")) {
          runStarted.add(entry.commit());
        } else if (entry.environment() != null
            && Set.of("deployed", "superseded", "rolled-back", "skipped-bad")
                .contains(entry.event().wireName())) {
          outcomes
              .computeIfAbsent(entry.environment(), e -> new LinkedHashMap<>())
              .merge(entry.event().wireName(), 1, Integer::sum);
        }
      }
    }
    long dropped = pushed.stream().filter(c -> !runStarted.contains(c)).count();
    if (dropped > 0) {
      violation(0, dropped + " pushed commits have no run-started record");
    }
    checkTrail();
    verifyAudit();
    checkNothingLeft();
    StringBuilder out = new StringBuilder();
    out.append("## Burst (")
        .append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
        .append(")\n\n`bench/run-chaos.sh --burst ")
        .append(burst)
        .append("` — load average ")
        .append(loadAverage())
        .append("\n\n| figure | value |\n|---|---|\n");
    out.append(String.format(Locale.ROOT, "| pushes | %d in %.1f s |%n", burst, pushSeconds));
    out.append("| commits with a run | ").append(burst - dropped).append(" |\n");
    out.append(
        String.format(
            Locale.ROOT,
            "| newest commit live in all 3 environments | %.1f s after the first push |%n",
            liveSeconds));
    outcomes.forEach(
        (environment, counts) ->
            out.append("| ").append(environment).append(" | ").append(counts).append(" |\n"));
    out.append("| failed requests on stable ports | ")
        .append(load.failedOther.get())
        .append(" of ")
        .append(load.total.get())
        .append(" |\n")
        .append("| invariant violations | ")
        .append(violations.size())
        .append(" |\n");
    violations.forEach(v -> out.append("\n* ").append(v));
    System.out.println(out);
    return violations.isEmpty() ? 0 : 1;
  }

  // ------------------------------------------------------------------ iterations

  private void iteration(int i, Kind kind, Victim victim) throws Exception {
    RevCommit commit = commit(kind, "chaos " + i + ": " + kind.name().toLowerCase(Locale.ROOT));
    push();
    // A random moment in the run: during the build, the deploys or the bakes.
    sleepMillis(random.nextInt(9000));
    long killedAt = System.nanoTime();
    currentVictim = victim;
    boolean found = kill(victim);
    if (found) {
      victimsFound.merge(victim, 1, Integer::sum);
    }
    log(
        "iteration %d: %s commit %s, victim %s%s"
            .formatted(
                i, kind, commit.getName().substring(0, 7), victim, found ? "" : " (none found)"));
    // Healed: every environment serves again. Then the run of the commit must end.
    for (String environment : environments) {
      if (awaitAnswering(environment, HEAL_BOUND).isEmpty()) {
        violation(
            i, environment + " did not serve within " + HEAL_BOUND.toSeconds() + " s of " + victim);
      }
    }
    proxyVictim = null;
    currentVictim = null;
    if (found) {
      healSeconds
          .computeIfAbsent(victim, v -> new ArrayList<>())
          .add((System.nanoTime() - killedAt) / 1e9);
    }
    Optional<ExecutionDescription> ended = awaitRun(commit.getName());
    if (ended.isEmpty()) {
      violation(i, "the run of " + commit.getName().substring(0, 7) + " did not end");
      return;
    }
    // What each environment serves is a commit it deployed last (or the new one).
    for (String environment : environments) {
      Optional<String> served = awaitAnswering(environment, HEAL_BOUND);
      Set<String> allowed = lastDeployed(environment);
      if (served.isPresent() && !allowed.contains(served.get())) {
        violation(
            i,
            environment
                + " serves "
                + served.get().substring(0, 7)
                + ", not its last deployed commit "
                + allowed);
      }
      // The database's data only grows.
      long count = counter(environment);
      long before = lastCount.getOrDefault(environment, 0L);
      if (count >= 0 && count < before) {
        violation(i, environment + "'s counter went down from " + before + " to " + count);
      }
      if (count >= 0) {
        lastCount.put(environment, count);
      }
    }
  }

  private boolean kill(Victim victim) throws Exception {
    return switch (victim) {
      case NOTHING -> false;
      case SERVE -> {
        serve.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        // What systemd's Restart=always does for `cairn service install`.
        startServe();
        yield true;
      }
      case BUILD -> killAll(p -> commandLine(p).contains("chaos-build-step"));
      case LIVE_RELEASE -> {
        String environment = randomEnvironment();
        // Blue/green: during a deploy two releases run; the older one is the live one.
        Optional<ProcessHandle> live =
            processes(
                    p ->
                        commandLine(p).contains("app.py")
                            && environmentOf(p).equals("CHAOS_ENVIRONMENT=" + environment))
                .stream()
                .min(Comparator.comparing(p -> p.info().startInstant().orElse(null)));
        live.ifPresent(ProcessHandle::destroyForcibly);
        yield live.isPresent();
      }
      case PROXY -> {
        String environment = randomEnvironment();
        proxyVictim = environment;
        yield killAll(
            p ->
                commandLine(p).contains("ProxyMain")
                    && commandLine(p).contains("--port " + ports.get(environment) + " "));
      }
      case REDIS -> {
        String environment = randomEnvironment();
        // Redis rewrites its command line ("redis-server 127.0.0.1:PORT"): found by its directory.
        String data = home.resolve("services").resolve(environment) + "/";
        yield killAll(p -> commandLine(p).contains("redis-server") && cwdOf(p).startsWith(data));
      }
    };
  }

  private String randomEnvironment() {
    return environments.get(random.nextInt(environments.size()));
  }

  // ------------------------------------------------------------------ the repository

  private void setUpRepository() throws Exception {
    Git.init().setBare(true).setInitialBranch("main").setDirectory(origin.toFile()).call().close();
    git =
        Git.cloneRepository().setURI(origin.toUri().toString()).setDirectory(clone.toFile()).call();
    Files.writeString(clone.resolve("app.py"), app(Kind.GOOD));
    Files.writeString(clone.resolve("cairn.yml"), pipeline());
    commitAll("chaos: first version");
    if (!git.getRepository().getBranch().equals("main")) {
      git.branchRename().setOldName(git.getRepository().getBranch()).setNewName("main").call();
    }
    push();
  }

  private String pipeline() {
    StringBuilder text = new StringBuilder();
    for (String environment : environments) {
      text.append(
          """
            - name: %s
              services:
                store: {type: redis}
              app:
                start: /usr/bin/python3 app.py
                port: %d
                env:
                  CAIRN_COMMIT: "${commit}"
                  CHAOS_ENVIRONMENT: %s
                  REDIS_HOST: ${services.store.host}
                  REDIS_PORT: ${services.store.port}
                  REDIS_PASSWORD: ${services.store.password}
              health: {path: /health, interval: 200ms}
              bake: 3s
          """
              .formatted(environment, ports.get(environment), environment));
    }
    return """
        name: chaos
        build:
          steps:
            - name: package
              run: >-
                echo chaos-build-step && sleep 2
                && /usr/bin/python3 -c "import ast; ast.parse(open('app.py').read())"
                && mkdir -p out && cp app.py out/
          artifact: out
        environments:
        """
        + text;
  }

  private RevCommit commit(Kind kind, String message) throws Exception {
    generation++;
    Files.writeString(clone.resolve("app.py"), app(kind));
    return commitAll(message);
  }

  private RevCommit commitAll(String message) throws Exception {
    git.add().addFilepattern(".").call();
    return git.commit().setMessage(message).setAuthor(AUTHOR).setCommitter(AUTHOR).call();
  }

  private void push() throws Exception {
    git.push()
        .setRemote("origin")
        .setRefSpecs(new RefSpec("refs/heads/main:refs/heads/main"))
        .call();
  }

  /** The application of one kind of commit; GENERATION makes every tree new. */
  private String app(Kind kind) {
    String text =
        APP.replace("@GENERATION@", Integer.toString(generation))
            .replace("@FAIL_AFTER@", kind == Kind.UNHEALTHY_IN_BAKE ? "1" : "-1")
            .replace("@SLOW_START@", kind == Kind.SLOW_START ? "4" : "0");
    // A build failure: the build checks that app.py parses.
    return kind == Kind.BUILD_FAILURE ? text + "\nthis is not python (\n" : text;
  }

  // ------------------------------------------------------------------ serve

  private void startServe() throws IOException {
    Path log = workspace.resolve("serve.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                cairnRoot.resolve("cairn").toString(),
                "serve",
                "--repo",
                origin.toString(),
                "--poll",
                "1s",
                "--port",
                "0")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("CAIRN_HOME", home.toString());
    serve = builder.start();
  }

  private void stopEverything() throws Exception {
    serve.destroy();
    if (!serve.waitFor(60, TimeUnit.SECONDS)) {
      serve.destroyForcibly();
    }
    // Releases, proxies and services outlive serve by design: adopt them and stop them.
    try (LocalCairn cleanup =
        LocalCairn.start(
            new LoopOptions(
                home,
                origin.toString(),
                "main",
                Duration.ofMinutes(10),
                "127.0.0.1",
                0,
                Map.of(),
                event -> {}))) {
      cleanup.stopEverything();
    }
    git.close();
  }

  // ------------------------------------------------------------------ observations

  private Optional<String> awaitAnswering(String environment, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      String version = get(ports.get(environment), "/version");
      if (version != null) {
        return Optional.of(version.strip());
      }
      sleepMillis(50);
    }
    return Optional.empty();
  }

  private void awaitServing(String environment, Set<String> commits, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      String version = get(ports.get(environment), "/version");
      if (version != null && commits.contains(version.strip())) {
        return;
      }
      sleepMillis(100);
    }
    violation(0, environment + " never served " + commits);
  }

  /** The newest run of the commit once it ended, or empty after {@link #RUN_BOUND}. */
  private Optional<ExecutionDescription> awaitRun(String commit) {
    long deadline = System.nanoTime() + RUN_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      for (ExecutionDescription execution : executions()) {
        if (commit.equals(runFacts(execution.name()).path("commit").asText(null))) {
          if (execution.status() != ExecutionStatus.RUNNING) {
            return Optional.of(execution);
          }
          break;
        }
      }
      sleepMillis(250);
    }
    return Optional.empty();
  }

  /**
   * The commits the environment may serve now: the last one whose run recorded it deployed there,
   * and the one that ran before it while a rollback is at work (a release of that commit).
   */
  private Set<String> lastDeployed(String environment) {
    Set<String> allowed = new TreeSet<>();
    // Executions are listed newest first.
    for (ExecutionDescription execution : executions()) {
      JsonNode facts = runFacts(execution.name());
      String outcome = facts.path("outcomes").path(environment).asText("");
      if (outcome.equals("deployed")) {
        allowed.add(facts.path("commit").asText());
        return allowed;
      }
      String rolledBackTo = facts.path("rolledBackTo").path(environment).asText(null);
      if (outcome.equals("rolled-back") && rolledBackTo != null) {
        allowed.add(rolledBackTo);
        return allowed;
      }
    }
    return allowed;
  }

  private List<ExecutionDescription> executions() {
    Path database = home.resolve("engine").resolve("runs.db");
    if (!Files.exists(database)) {
      return List.of();
    }
    try (SqliteExecutionStore store = SqliteExecutionStore.open(database)) {
      return store.list();
    } catch (RuntimeException e) {
      return List.of(); // busy while serve restarts: the caller asks again
    }
  }

  private JsonNode runFacts(String run) {
    Path file = home.resolve("runs").resolve(run).resolve("run.json");
    try {
      return Files.exists(file) ? Json.parse(Files.readString(file)) : Json.object();
    } catch (IOException | RuntimeException e) {
      return Json.object();
    }
  }

  private long counter(String environment) {
    String count = get(ports.get(environment), "/count");
    if (count == null) {
      return -1;
    }
    try {
      return Long.parseLong(count.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Every run has exactly one outcome per environment it reached and commit, in the delivered trail
   * ({@code deployment-failed} is not one: it comes with the {@code rolled-back} that ends the
   * deployment).
   */
  private void checkTrail() throws IOException {
    Set<String> outcomes = Set.of("deployed", "rolled-back", "superseded", "skipped-bad");
    Map<String, Integer> perRunAndEnvironment = new HashMap<>();
    Map<String, Integer> started = new HashMap<>();
    try (AuditTrail trail = AuditTrail.open(origin, null, null)) {
      for (TrailEntry entry : trail.entries()) {
        if (entry.run() == null || entry.environment() == null) {
          continue;
        }
        // Per commit too: a rollback run records the rolled-back commit's outcome, then its own
        // deployment of the good one.
        String key = entry.run() + " " + entry.environment() + " " + entry.commit();
        String event = entry.event().wireName();
        if (outcomes.contains(event)) {
          perRunAndEnvironment.merge(key, 1, Integer::sum);
        }
        if (event.equals("deployment-started")) {
          started.merge(key, 1, Integer::sum);
        }
      }
    }
    perRunAndEnvironment.forEach(
        (key, n) -> {
          if (n != 1) {
            violation(0, "run/environment " + key + " has " + n + " outcomes in the trail");
          }
        });
    started.forEach(
        (key, n) -> {
          if (!perRunAndEnvironment.containsKey(key)) {
            violation(0, "run/environment " + key + " started a deployment but has no outcome");
          }
        });
  }

  private void verifyAudit() throws Exception {
    Process verify =
        new ProcessBuilder(
                cairnRoot.resolve("cairn").toString(),
                "audit",
                "verify",
                "--repo",
                origin.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (verify.waitFor() != 0) {
      violation(0, "cairn audit verify failed:\n" + output.strip());
    }
  }

  private void checkNothingLeft() {
    List<ProcessHandle> left =
        processes(
            p ->
                commandLine(p).contains(workspace.toString())
                    || cwdOf(p).startsWith(workspace.toString()));
    for (ProcessHandle p : left) {
      violation(0, "left behind: pid " + p.pid() + " " + commandLine(p));
      p.destroyForcibly();
    }
  }

  // ------------------------------------------------------------------ the report

  private void report(Map<Kind, Integer> kinds, Duration took) {
    StringBuilder out = new StringBuilder();
    out.append("## Chaos benchmark (")
        .append(LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME))
        .append(")\n\n");
    out.append("`bench/run-chaos.sh --iterations ")
        .append(iterations)
        .append(" --seed ")
        .append(seed)
        .append("` — ")
        .append(took.toMinutes())
        .append(" min, load average ")
        .append(loadAverage())
        .append("\n\n");
    out.append("| figure | value |\n|---|---|\n");
    out.append("| iterations | ").append(iterations).append(" |\n");
    out.append("| commits by kind | ").append(kinds).append(" |\n");
    out.append("| invariant violations | ").append(violations.size()).append(" |\n");
    out.append("| requests on stable ports | ").append(load.total.get()).append(" |\n");
    out.append("| failed, proxy not the victim | ").append(load.failedOther.get()).append(" |\n");
    load.failedBy.forEach(
        (when, count) ->
            out.append("| … of which while the victim was ")
                .append(when)
                .append(" | ")
                .append(count.get())
                .append(" |\n"));
    out.append("| failed, while its proxy was the victim | ")
        .append(load.failedProxy.get())
        .append(" |\n\n");
    out.append("| victim | killed | heal time median / max (s) |\n|---|---|---|\n");
    for (Victim victim : Victim.values()) {
      List<Double> times = healSeconds.getOrDefault(victim, List.of());
      out.append("| ")
          .append(victim.name().toLowerCase(Locale.ROOT).replace('_', ' '))
          .append(" | ")
          .append(victimsFound.getOrDefault(victim, 0))
          .append(" | ")
          .append(
              times.isEmpty()
                  ? "–"
                  : String.format(Locale.ROOT, "%.1f / %.1f", median(times), max(times)))
          .append(" |\n");
    }
    if (!violations.isEmpty()) {
      out.append("\nViolations:\n\n");
      violations.forEach(v -> out.append("* ").append(v).append('\n'));
    }
    System.out.println(out);
  }

  private void violation(int iteration, String what) {
    String line = (iteration > 0 ? "iteration " + iteration + ": " : "") + what;
    violations.add(line);
    log("VIOLATION " + line);
  }

  // ------------------------------------------------------------------ the load on stable ports

  /** Requests on every stable port, every 20 ms, counting failures. */
  private final class Load {
    final AtomicLong total = new AtomicLong();
    final AtomicLong failedProxy = new AtomicLong();
    final AtomicLong failedOther = new AtomicLong();

    /** Failures with the proxy not the victim, by the victim of the moment ("no fault" between). */
    final Map<String, AtomicLong> failedBy = new java.util.concurrent.ConcurrentSkipListMap<>();

    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    void start() {
      running.set(true);
      for (String environment : environments) {
        Thread thread =
            new Thread(
                () -> {
                  while (running.get()) {
                    total.incrementAndGet();
                    // A request held while a release restarts can end after the heal: it belongs
                    // to the fault it began in.
                    Victim began = currentVictim;
                    if (get(ports.get(environment), "/version") == null) {
                      if (environment.equals(proxyVictim)) {
                        failedProxy.incrementAndGet();
                      } else {
                        failedOther.incrementAndGet();
                        Victim now = began != null ? began : currentVictim;
                        String when =
                            now == null
                                ? "no fault"
                                : now.name().toLowerCase(Locale.ROOT).replace('_', ' ');
                        failedBy.computeIfAbsent(when, w -> new AtomicLong()).incrementAndGet();
                        log("request to " + environment + " failed (" + when + "): " + WHY.get());
                      }
                    }
                    sleepMillis(20);
                  }
                },
                "chaos-load-" + environment);
        thread.setDaemon(true);
        thread.start();
        threads.add(thread);
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join();
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private static boolean killAll(java.util.function.Predicate<ProcessHandle> which) {
    List<ProcessHandle> victims = processes(which);
    victims.forEach(ProcessHandle::destroyForcibly);
    return !victims.isEmpty();
  }

  private static List<ProcessHandle> processes(java.util.function.Predicate<ProcessHandle> which) {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses().filter(p -> p.pid() != self).filter(which).toList();
  }

  private static String commandLine(ProcessHandle p) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String environmentOf(ProcessHandle p) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
      for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
        if (entry.startsWith("CHAOS_ENVIRONMENT=")) {
          return entry;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone, or not ours
    }
    return "";
  }

  private static String cwdOf(ProcessHandle p) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).toString();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Why this thread's last {@link #get} answered null. */
  private static final ThreadLocal<String> WHY = new ThreadLocal<>();

  private static String get(int port, String path) {
    WHY.remove();
    try {
      HttpURLConnection connection =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      connection.setConnectTimeout(2000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      if (status / 100 != 2) {
        WHY.set("HTTP " + status);
        return null;
      }
      return new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      WHY.set(e.toString());
      return null;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
  }

  private static void log(String line) {
    System.err.println("chaos: " + line);
  }

  /**
   * The application: /version, /health (failing after FAIL_AFTER seconds when set), /count (a Redis
   * counter incremented on each /count, so the database's data only grows), started after
   * SLOW_START seconds.
   */
  private static final String APP =
      """
      # Cairn's chaos benchmark application. GENERATION changes the tree of every commit.
      import http.server, os, socket, time
      GENERATION = @GENERATION@
      FAIL_AFTER = @FAIL_AFTER@
      time.sleep(@SLOW_START@)
      COMMIT = os.environ.get("CAIRN_COMMIT", "unknown")
      STARTED = time.time()

      def redis(*command):
          with socket.create_connection(
                  (os.environ["REDIS_HOST"], int(os.environ["REDIS_PORT"])), timeout=2) as s:
              def call(*words):
                  s.sendall(("*%d\\r\\n" % len(words)
                      + "".join("$%d\\r\\n%s\\r\\n" % (len(w), w) for w in words)).encode())
                  return s.recv(4096).decode()
              if os.environ.get("REDIS_PASSWORD"):
                  call("AUTH", os.environ["REDIS_PASSWORD"])
              return call(*command)

      class Handler(http.server.BaseHTTPRequestHandler):
          def do_GET(self):
              if self.path == "/health":
                  failing = FAIL_AFTER >= 0 and time.time() - STARTED > FAIL_AFTER
                  self.reply(500 if failing else 200, b"failing\\n" if failing else b"ok\\n")
              elif self.path == "/version":
                  self.reply(200, COMMIT.encode() + b"\\n")
              elif self.path == "/count":
                  try:
                      answer = redis("INCR", "hits")
                      self.reply(200, answer.strip().lstrip(":").encode() + b"\\n")
                  except OSError:
                      self.reply(503, b"redis unavailable\\n")
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
}
