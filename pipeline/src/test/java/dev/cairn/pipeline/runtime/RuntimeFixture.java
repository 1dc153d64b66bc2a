package dev.cairn.pipeline.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.pipeline.audit.InMemoryAuditLog;
import dev.cairn.pipeline.file.HealthSpec;
import dev.cairn.pipeline.file.ServiceSpec;
import dev.cairn.pipeline.port.ArtifactStore;
import dev.cairn.pipeline.port.Deployer;
import dev.cairn.pipeline.port.JobExecutor;
import dev.cairn.pipeline.port.JobOutput;
import dev.cairn.pipeline.port.JobResult;
import dev.cairn.pipeline.port.JobSpec;
import dev.cairn.pipeline.port.Release;
import dev.cairn.pipeline.port.ReleaseSpec;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.ServiceEndpoint;
import dev.cairn.pipeline.port.ServiceProvisioner;
import dev.cairn.pipeline.port.SourceCheckout;
import dev.cairn.pipeline.runtime.memory.InMemoryEnvironmentStore;
import dev.cairn.pipeline.runtime.memory.InMemoryRunStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The runtime over in-memory adapters: commits are maps of files, a build step {@code write FILE
 * TEXT} writes a file, {@code fail} fails and {@code killed} is killed from outside (while {@link
 * #kills} lasts), releases are records whose health a test decides per commit. Nothing starts a
 * process, so every test of the runtime's rules runs in milliseconds.
 */
final class RuntimeFixture {
  final Map<String, Map<String, String>> commits = new HashMap<>();
  final InMemoryRunStore runs = new InMemoryRunStore();
  final InMemoryEnvironmentStore environments = new InMemoryEnvironmentStore();
  final InMemoryAuditLog audit = new InMemoryAuditLog();
  final List<RunEvent> events = new CopyOnWriteArrayList<>();
  final Map<String, String> secrets = new ConcurrentHashMap<>();
  final FakeDeployer deployer = new FakeDeployer();
  final FakeArtifacts artifacts = new FakeArtifacts();
  final RecordingTokens tokens = new RecordingTokens();
  final List<JobSpec> jobs = new CopyOnWriteArrayList<>();

  /** The runtime's clock: the system's, moved forward by what a test adds here. */
  final java.util.concurrent.atomic.AtomicReference<Duration> ahead =
      new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);

  /** How many times a step {@code killed} is killed from outside before it succeeds. */
  final AtomicInteger kills = new AtomicInteger();

  /** What the services port does when asked for a service; a test may make it fail. */
  volatile Function<ServiceSpec, ServiceEndpoint> services =
      service ->
          new ServiceEndpoint(
              "127.0.0.1", 5432, "app", "secret", "app", "postgres://127.0.0.1/app");

  final PipelineRuntime runtime;
  private final Path work;
  private int submitted;

  RuntimeFixture(Path work) {
    this(work, null);
  }

  /** A fixture whose driver has this container runtime (null: none, as on AWS). */
  RuntimeFixture(Path work, dev.cairn.pipeline.port.ContainerImages images) {
    this(work, images, null);
  }

  /**
   * A fixture whose driver has this container runtime and deploys to {@code target} (null: the fake
   * process deployer).
   */
  RuntimeFixture(Path work, dev.cairn.pipeline.port.ContainerImages images, DeployTarget target) {
    this.work = work;
    RuntimePorts ports =
        RuntimePorts.builder()
            .images(images)
            .runs(runs)
            .environments(environments)
            .jobs(new FakeJobs())
            .artifacts(artifacts)
            .secrets(new MapSecrets())
            .source(checkout())
            .target(
                target != null
                    ? target
                    : new DeployTarget.Processes(
                        deployer,
                        new ServiceProvisioner() {
                          @Override
                          public ServiceEndpoint ensure(String environment, ServiceSpec service) {
                            return services.apply(service);
                          }

                          @Override
                          public void stopAll() {}
                        }))
            .listener(events::add)
            .audit(audit)
            .workDirectory(work)
            .cairnVersion("test")
            .clock(
                new java.time.Clock() {
                  @Override
                  public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                  }

                  @Override
                  public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                  }

                  @Override
                  public Instant instant() {
                    return Instant.now().plus(ahead.get());
                  }
                })
            .build();
    runtime = new PipelineRuntime(ports, tokens, run -> false);
  }

  /** A commit of these files: its id is made from their text. */
  String commit(Map<String, String> files) {
    String id = sha1(new java.util.TreeMap<>(files) + "" + commits.size());
    commits.put(id, Map.copyOf(files));
    return id;
  }

  /** A commit of a pipeline file (and nothing else): its id is made from its text. */
  String commit(String cairnYml) {
    String id = sha1(cairnYml + commits.size());
    commits.put(id, Map.of("cairn.yml", cairnYml));
    return id;
  }

  /** Submits a run of a commit the way a driver does; returns its id. */
  String submit(String commit, RunFacts.Trigger trigger, String onlyEnvironment) {
    submitted++;
    String id = String.format("%06d-%s", submitted, commit.substring(0, 7));
    long number = runs.nextSequence();
    runtime.started(
        RunFacts.submitted(
            id,
            commit,
            sha1("tree " + commit),
            "message of " + commit.substring(0, 7),
            trigger,
            null,
            onlyEnvironment,
            number,
            Instant.parse("2026-12-01T10:00:00Z")));
    return id;
  }

  /** Runs a pushed commit through build and one environment like the state machine does. */
  String deploy(String commit, String environment) {
    String run = submit(commit, RunFacts.Trigger.PUSH, null);
    runtime.validate(run);
    runtime.build(run);
    runThrough(run, environment);
    return run;
  }

  /** An environment's part of the state machine: queue, plan, apply, verify, record/rollback. */
  void runThrough(String run, String environment) {
    String token = "token-" + run + "-" + environment;
    runtime.enqueue(run, environment, token);
    if (!"granted".equals(tokens.answers.get(token))) {
      return;
    }
    try {
      runtime.plan(run, environment);
      runtime.apply(run, environment);
      runtime.verify(run, environment);
      runtime.record(run, environment, RecordedOutcome.DEPLOYED, null);
    } catch (StepFailure failure) {
      runtime.rollback(
          run,
          environment,
          "{\"Error\":\"" + failure.error() + "\",\"Cause\":\"" + failure.cause() + "\"}");
      runtime.record(run, environment, RecordedOutcome.ROLLED_BACK, null);
    }
  }

  List<String> recordEvents() {
    return audit.records().stream()
        .map(r -> r.event().wireName() + (r.environment() == null ? "" : " " + r.environment()))
        .toList();
  }

  private SourceCheckout checkout() {
    return (commit, target) -> {
      Map<String, String> files = commits.get(commit);
      if (files == null) {
        throw new IOException("no commit " + commit);
      }
      Files.createDirectories(target);
      for (var file : files.entrySet()) {
        Files.writeString(target.resolve(file.getKey()), file.getValue());
      }
    };
  }

  static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Steps: {@code write FILE TEXT} writes a file into the workspace, {@code fail} fails. */
  final class FakeJobs implements JobExecutor {
    @Override
    public CompletableFuture<JobResult> run(JobSpec job, JobOutput output) {
      jobs.add(job);
      for (var step : job.steps()) {
        String[] words = step.run().split(" ", 3);
        if (words[0].equals("fail")) {
          output.line(step.name(), "the step prints " + job.env().getOrDefault("TOKEN", "-"));
          return CompletableFuture.completedFuture(
              new JobResult(
                  JobResult.Outcome.FAILED,
                  step.name(),
                  1,
                  null,
                  // A cause holding a secret, as a step's own error text may: the record masks it.
                  "step '"
                      + step.name()
                      + "' failed; TOKEN="
                      + job.env().getOrDefault("TOKEN", "-")));
        }
        if (words[0].equals("killed") && kills.getAndDecrement() > 0) {
          // A step's process killed by SIGKILL from outside, as LocalJobExecutor reports it.
          return CompletableFuture.completedFuture(
              new JobResult(
                  JobResult.Outcome.KILLED,
                  step.name(),
                  137,
                  null,
                  "step '" + step.name() + "' was killed from outside Cairn by signal 9"));
        }
        if (words[0].equals("write")) {
          try {
            Path file = job.workspace().resolve(words[1]);
            Files.createDirectories(file.getParent());
            Files.writeString(file, words.length > 2 ? words[2] : "");
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      return CompletableFuture.completedFuture(
          new JobResult(JobResult.Outcome.SUCCEEDED, null, 0, null, "succeeded"));
    }

    @Override
    public void cancel(String jobId) {}
  }

  /** Artifacts by the digest of a single file's bytes. */
  static final class FakeArtifacts implements ArtifactStore {
    final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    final Map<String, String> trees = new ConcurrentHashMap<>();

    @Override
    public String put(Path file) throws IOException {
      byte[] bytes = Files.readAllBytes(file);
      String digest = "sha256:" + sha1(new String(bytes, StandardCharsets.UTF_8));
      stored.put(digest, bytes);
      return digest;
    }

    @Override
    public void extract(String digest, Path target) throws IOException {
      Files.createDirectories(target);
      Files.write(target.resolve("artifact"), stored.get(digest));
    }

    @Override
    public boolean contains(String digest) {
      return stored.containsKey(digest);
    }

    @Override
    public void recordTree(String treeId, String digest) {
      trees.put(treeId, digest);
    }

    @Override
    public Optional<String> forTree(String treeId) {
      return Optional.ofNullable(trees.get(treeId));
    }
  }

  /** Releases as records; a commit in {@link #unhealthy} never answers its health check. */
  static final class FakeDeployer implements Deployer {
    final Set<String> unhealthy = ConcurrentHashMap.newKeySet();
    final Map<String, Release> live = new ConcurrentHashMap<>();
    final List<Release> running = new CopyOnWriteArrayList<>();
    final List<ReleaseSpec> started = new CopyOnWriteArrayList<>();
    final Map<String, Release> recorded = new ConcurrentHashMap<>();

    /** Releases whose processes outlive their first one (two of them), until adopted or killed. */
    final Set<String> survivors = ConcurrentHashMap.newKeySet();

    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public Release start(ReleaseSpec spec) {
      Release release =
          new Release(
              spec.environment(),
              "release-" + ids.incrementAndGet(),
              spec.commit(),
              spec.artifactDigest(),
              9000 + ids.get(),
              1000 + ids.get());
      running.add(release);
      recorded.put(release.id(), release);
      started.add(spec);
      return release;
    }

    @Override
    public boolean awaitHealthy(Release release, HealthSpec health, Duration timeout) {
      return checkHealth(release, health);
    }

    @Override
    public boolean checkHealth(Release release, HealthSpec health) {
      return running.contains(release) && !unhealthy.contains(release.commit());
    }

    @Override
    public void switchTraffic(Release release) {
      live.put(release.environment(), release);
    }

    @Override
    public void stop(Release release) {
      running.remove(release);
      recorded.remove(release.id());
    }

    @Override
    public Optional<Release> recorded(String environment, String releaseId) {
      return Optional.ofNullable(releaseId == null ? null : recorded.get(releaseId))
          .filter(r -> r.environment().equals(environment));
    }

    @Override
    public Optional<Release> live(String environment) {
      return Optional.ofNullable(live.get(environment));
    }

    @Override
    public List<Release> running(String environment) {
      return running.stream().filter(r -> r.environment().equals(environment)).toList();
    }

    @Override
    public Optional<Release> designated(String environment) {
      return live(environment);
    }

    @Override
    public boolean alive(Release release) {
      return running.contains(release);
    }

    @Override
    public Release restart(Release release, ReleaseSpec spec) {
      running.remove(release);
      Release again =
          new Release(
              release.environment(),
              release.id(),
              release.commit(),
              release.artifactDigest(),
              release.port(),
              1000 + ids.incrementAndGet());
      running.add(again);
      recorded.put(again.id(), again);
      started.add(spec);
      live.computeIfPresent(release.environment(), (env, r) -> again);
      return again;
    }

    @Override
    public Survivors adoptSurvivors(Release release, HealthSpec health) {
      if (running.contains(release) || !survivors.remove(release.id())) {
        return Survivors.NONE;
      }
      if (unhealthy.contains(release.commit())) {
        return new Survivors(2, Optional.empty());
      }
      Release adopted =
          new Release(
              release.environment(),
              release.id(),
              release.commit(),
              release.artifactDigest(),
              release.port(),
              1000 + ids.incrementAndGet());
      running.add(adopted);
      recorded.put(adopted.id(), adopted);
      live.computeIfPresent(release.environment(), (env, r) -> adopted);
      return new Survivors(2, Optional.of(adopted));
    }

    @Override
    public void adopt() {}
  }

  /** Remembers the answer each token got: {@code granted} or the error name. */
  static final class RecordingTokens implements TaskTokens {
    final Map<String, String> answers = new ConcurrentHashMap<>();

    @Override
    public void succeed(String token, JsonNode output) {
      answers.put(token, "granted");
    }

    @Override
    public void fail(String token, String error, String cause) {
      answers.put(token, error);
    }
  }

  final class MapSecrets implements SecretStore {
    @Override
    public Optional<String> get(String name) {
      return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public void put(String name, String value) {
      secrets.put(name, value);
    }

    @Override
    public String getOrGenerate(String name) {
      return secrets.computeIfAbsent(name, n -> "generated-" + n);
    }

    @Override
    public Set<String> values() {
      return Set.copyOf(secrets.values());
    }
  }

  Path work() {
    return work;
  }

  List<String> kinds() {
    List<String> kinds = new ArrayList<>();
    events.forEach(e -> kinds.add(e.kind().wireName()));
    return kinds;
  }
}
