package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.json.Json;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.git.CommitInfo;
import dev.cairn.git.RepositoryMirror;
import dev.cairn.git.hook.HookInstaller;
import dev.cairn.git.watch.CommitWatcher;
import dev.cairn.git.workspace.Workspaces;
import dev.cairn.local.artifact.ContentAddressedArtifactStore;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.local.secret.FileSecretStore;
import dev.cairn.local.service.LocalServiceProvisioner;
import dev.cairn.pipeline.file.PipelineDefinition;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.run.EnvironmentLedger;
import dev.cairn.pipeline.run.PipelineService;
import dev.cairn.pipeline.run.RunRequest;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Cairn's GitOps loop on one machine, wired from the local adapters: a git mirror watched by
 * polling and push notifications, the pipeline service running each new commit, sandboxed jobs, the
 * artifact and secret stores, managed services and releases behind proxies, and the HTTP port.
 */
public final class LocalCairn implements AutoCloseable {
  private final Options options;
  private final RepositoryMirror mirror;
  private final PipelineService pipelines;
  private final ProcessDeployer deployer;
  private final LocalServiceProvisioner services;
  private final LocalJobExecutor jobs;
  private final CairnServer server;
  private final CommitWatcher watcher;

  /**
   * How the loop runs.
   *
   * @param home CAIRN_HOME
   * @param repository the application repository: a local path or a URL
   * @param branch the branch to deploy
   * @param pollInterval how often the remote is checked without a notification
   * @param httpHost the address of Cairn's HTTP port
   * @param httpPort the HTTP port (0 for any free one)
   * @param jobEnvironment environment variables every build and migration gets
   * @param listener hears what happens
   */
  public record Options(
      Path home,
      String repository,
      String branch,
      Duration pollInterval,
      String httpHost,
      int httpPort,
      Map<String, String> jobEnvironment,
      PipelineListener listener) {}

  private LocalCairn(Options options) throws IOException {
    this.options = options;
    Path home = options.home();
    Files.createDirectories(home);
    FileSecretStore secrets = new FileSecretStore(home.resolve("secrets"));
    ContentAddressedArtifactStore artifacts =
        new ContentAddressedArtifactStore(home.resolve("artifacts"));
    this.jobs =
        new LocalJobExecutor(
            LocalJobExecutor.Options.builder(home.resolve("logs")).hide(home).build());
    this.services = new LocalServiceProvisioner(home.resolve("services"), secrets);
    this.deployer = new ProcessDeployer(home.resolve("deployments"), secrets);
    deployer.adopt();
    RepositoryMirror.Builder mirrorBuilder =
        RepositoryMirror.builder().directory(home.resolve("mirror")).branch(options.branch());
    Path localRepository = Path.of(options.repository());
    if (Files.isDirectory(localRepository)) {
      mirrorBuilder.remote(localRepository.toAbsolutePath());
    } else {
      mirrorBuilder.remote(options.repository());
    }
    this.mirror = mirrorBuilder.build();
    PipelineService.Ports ports =
        new PipelineService.Ports(
            jobs,
            artifacts,
            secrets,
            services,
            deployer,
            (commitId, target) -> {
              Workspaces at = new Workspaces(target.getParent());
              at.create(mirror.repository(), commitId, target.getFileName().toString());
            },
            options.listener(),
            options.jobEnvironment());
    this.pipelines =
        new PipelineService(
            home,
            SqliteExecutionStore.open(home.resolve("engine").resolve("runs.db")),
            ports,
            pipelineReader());
    this.server =
        CairnServer.start(
            options.httpHost(),
            options.httpPort(),
            new CairnServer.Routes(this::notifyPush, this::status, this::runs, null, this::act));
    if (Files.isDirectory(localRepository)) {
      new HookInstaller(server.port()).install(localRepository.toAbsolutePath());
    }
    this.watcher =
        CommitWatcher.builder()
            .mirror(mirror)
            .stateFile(home.resolve("watcher.json"))
            .listener(this::newCommit)
            .pollInterval(options.pollInterval())
            .build();
    watcher.start();
  }

  /** Starts the loop. */
  public static LocalCairn start(Options options) throws IOException {
    return new LocalCairn(options);
  }

  private static Function<Path, PipelineDefinition> pipelineReader() {
    return file -> {
      try {
        return PipelineFileParser.parse(file);
      } catch (IOException e) {
        throw new UncheckedIOException(file + ": cannot be read: " + e.getMessage(), e);
      }
    };
  }

  private void newCommit(CommitInfo commit) {
    try {
      pipelines.submit(RunRequest.pushed(commit.id(), commit.treeId(), commit.shortMessage()));
    } catch (IOException | RuntimeException e) {
      options
          .listener()
          .event(
              "-",
              "error",
              null,
              "could not start a run for " + commit.id() + ": " + e.getMessage());
    }
  }

  /** Performs a manual deploy or rollback asked for over HTTP. */
  private JsonNode act(String action, JsonNode request) {
    String environment = request.path("environment").asText(null);
    if (environment == null || environment.isBlank()) {
      throw new IllegalArgumentException("\"environment\" is required");
    }
    try {
      String runId;
      if (action.equals("deploy")) {
        CommitInfo commit = resolve(request.path("commit").asText(null));
        runId = pipelines.deploy(environment, commit.id(), commit.treeId(), commit.shortMessage());
      } else {
        String to = request.hasNonNull("to") ? resolve(request.get("to").asText()).id() : null;
        runId = pipelines.rollback(environment, to, id -> resolve(id).treeId());
      }
      ObjectNode result = Json.object();
      result.put("run", runId);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A commit of the mirror by full or abbreviated id. */
  private CommitInfo resolve(String commitish) {
    if (commitish == null || commitish.isBlank()) {
      throw new IllegalArgumentException("\"commit\" is required");
    }
    try {
      org.eclipse.jgit.lib.ObjectId id = mirror.repository().resolve(commitish + "^{commit}");
      if (id == null) {
        throw new IllegalArgumentException(
            "no commit " + commitish + " in " + mirror.remoteForDisplay());
      }
      return mirror
          .commit(id.getName())
          .orElseThrow(() -> new IllegalArgumentException("no commit " + commitish));
    } catch (org.eclipse.jgit.errors.RevisionSyntaxException | IOException e) {
      throw new IllegalArgumentException("'" + commitish + "' is not a commit id");
    }
  }

  /** Checks the repository now (what a push notification does). */
  public void notifyPush() {
    watcher.notifyPush();
  }

  /** The HTTP port Cairn listens on. */
  public int httpPort() {
    return server.port();
  }

  /** The pipeline service. */
  public PipelineService pipelines() {
    return pipelines;
  }

  /** The deployer (releases and proxies). */
  public ProcessDeployer deployer() {
    return deployer;
  }

  /** The job executor (for its isolation report). */
  public LocalJobExecutor jobs() {
    return jobs;
  }

  /** The status document of {@code GET /api/status}. */
  public JsonNode status() {
    ObjectNode status = Json.object();
    status.put("repository", mirror.remoteForDisplay());
    status.put("branch", options.branch());
    ArrayNode environments = status.putArray("environments");
    for (String environment : deployer.environments()) {
      ObjectNode node = environments.addObject();
      node.put("name", environment);
      deployer
          .live(environment)
          .ifPresent(
              live -> {
                node.put("liveCommit", live.commit());
                node.put("liveRelease", live.id());
                node.put("port", live.port());
              });
      EnvironmentLedger ledger = pipelines.ledger(environment);
      ledger.lastGood().ifPresent(good -> node.put("lastGood", good.commit()));
    }
    return status;
  }

  /** The runs document of {@code GET /api/runs}: newest first. */
  public JsonNode runs() {
    return RunsView.of(pipelines.engine().list(), pipelines::runFacts);
  }

  /**
   * Stops the environments' releases, proxies and services too (the demo's clean exit). Without
   * this, they keep serving after Cairn stops, as they should.
   */
  public void stopEverything() {
    for (String environment : deployer.environments()) {
      deployer.destroy(environment);
    }
    services.stopAll();
  }

  @Override
  public void close() {
    watcher.close();
    server.close();
    pipelines.close();
    mirror.close();
  }
}
