package dev.cairn.cli.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.engine.store.SqliteExecutionStore;
import dev.cairn.git.CommitInfo;
import dev.cairn.git.RemoteCredentials;
import dev.cairn.git.RepositoryMirror;
import dev.cairn.git.audit.AuditSigner;
import dev.cairn.git.audit.GitAuditLog;
import dev.cairn.git.hook.HookInstaller;
import dev.cairn.git.revert.GitReverter;
import dev.cairn.git.watch.CommitWatcher;
import dev.cairn.git.workspace.Workspaces;
import dev.cairn.local.artifact.ContentAddressedArtifactStore;
import dev.cairn.local.container.Podman;
import dev.cairn.local.container.PodmanImages;
import dev.cairn.local.deploy.ProcessDeployer;
import dev.cairn.local.job.LocalJobExecutor;
import dev.cairn.local.secret.CairnCredentials;
import dev.cairn.local.secret.FileSecretStore;
import dev.cairn.local.service.LocalServiceProvisioner;
import dev.cairn.local.state.FileEnvironmentStore;
import dev.cairn.local.state.FileRunStore;
import dev.cairn.pipeline.file.EnvironmentNames;
import dev.cairn.pipeline.json.Json;
import dev.cairn.pipeline.port.AuditDeliveryStatus;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.run.PipelineService;
import dev.cairn.pipeline.run.RunRequest;
import dev.cairn.pipeline.runtime.DeployTarget;
import dev.cairn.pipeline.runtime.RuntimePorts;
import dev.cairn.server.ApiToken;
import dev.cairn.server.CairnServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Cairn's GitOps loop on one machine, wired from the local adapters: a git mirror watched by
 * polling and push notifications, the pipeline service running each new commit, sandboxed jobs, the
 * artifact and secret stores, managed services and releases behind proxies, and the HTTP port.
 */
public final class LocalCairn implements AutoCloseable {
  private final LoopOptions options;
  private final RepositoryMirror mirror;
  private final PipelineService pipelines;
  private final ProcessDeployer deployer;
  private final LocalServiceProvisioner services;
  private final LocalJobExecutor jobs;
  private final CairnServer server;
  private final CommitWatcher watcher;
  private final GitAuditLog audit;
  private final GitReverter reverter;
  private final AuditStatusFile auditStatus;
  private final AtomicReference<Instant> lastPushNotice = new AtomicReference<>();

  private final ApiToken apiToken;
  private final ManualCommits commits;
  private final LocalTelemetry telemetry;
  private final Supervisor supervisor;
  private final GitHubStatuses gitHub;

  private LocalCairn(LoopOptions options) throws IOException {
    this.options = options;
    Path home = options.home();
    Files.createDirectories(home);
    // Cairn's own credentials (git token, signing key, API token, webhook secret) live apart from
    // the application's secrets, which `${secrets.NAME}` reads: no commit can name them.
    FileSecretStore credentialStore = CairnCredentials.open(home);
    FileSecretStore secrets = CairnCredentials.applicationSecrets(home);
    ContentAddressedArtifactStore artifacts =
        new ContentAddressedArtifactStore(home.resolve("artifacts"));
    LocalJobExecutor.Options.Builder jobOptions =
        LocalJobExecutor.Options.builder(home.resolve("logs")).hide(home);
    // Container releases (build.image) run on Podman where it is installed; where it is not, a
    // pipeline that asks for them fails its run with why (PodmanImages.unavailable).
    Podman podman = Podman.fromPath();
    ProcessDeployer.Options.Builder releaseOptions =
        ProcessDeployer.Options.builder(home.resolve("deployments")).hide(home).containers(podman);
    for (Path shared : options.security().sandboxShares()) {
      jobOptions.share(shared);
      releaseOptions.share(shared);
    }
    this.jobs = new LocalJobExecutor(jobOptions.build());
    if (options.security().requireSandbox() && !jobs.isolation().sandboxed()) {
      throw new IllegalStateException(
          "build jobs cannot be sandboxed here ("
              + jobs.isolation().warningLine().orElse("no sandbox")
              + "); install bubblewrap, or start with --insecure-no-sandbox to run the"
              + " repository's build steps as plain processes");
    }
    this.services = new LocalServiceProvisioner(home.resolve("services"), secrets);
    // Releases run sandboxed too: CAIRN_HOME (other environments, secrets, ledgers) and the
    // user's home invisible, their own PID namespace, loopback shared to reach their services.
    this.deployer = new ProcessDeployer(releaseOptions.build(), secrets);
    deployer.adopt();
    this.telemetry = new LocalTelemetry(options.traces(), this::history, deployer);
    RepositoryMirror.Builder mirrorBuilder =
        RepositoryMirror.builder().directory(home.resolve("mirror")).branch(options.branch());
    Path localRepository = Path.of(options.repository());
    if (Files.isDirectory(localRepository)) {
      mirrorBuilder.remote(localRepository.toAbsolutePath());
    } else {
      mirrorBuilder.remote(options.repository());
    }
    // For remotes over HTTPS: `cairn secrets set git-token` (and optionally git-username).
    Supplier<RemoteCredentials> credentials =
        () ->
            credentialStore
                .get(CairnCredentials.GIT_TOKEN)
                .map(
                    token ->
                        new RemoteCredentials(
                            credentialStore.get(CairnCredentials.GIT_USERNAME).orElse("git"),
                            token))
                .orElse(null);
    mirrorBuilder.credentials(credentials);
    this.mirror = mirrorBuilder.build();
    this.commits = new ManualCommits(mirror, options.branch());
    String remote =
        Files.isDirectory(localRepository)
            ? localRepository.toAbsolutePath().toString()
            : options.repository();
    // Git as memory: environments whose state was lost are rebuilt from the trail before any run.
    AuditSigner signer = AuditSigners.fromSecrets(credentialStore).orElse(null);
    FileEnvironmentStore environments = new FileEnvironmentStore(home.resolve("environments"));
    TrailRecovery.recover(
        home,
        environments,
        remote,
        mirror.remoteForDisplay(),
        credentials,
        signer == null ? List.of() : List.of(signer.verifier()),
        options.listener());
    if (options.auditTrail() == LoopOptions.AuditTrail.GIT) {
      this.audit =
          GitAuditLog.builder()
              .remote(remote)
              .credentials(credentials)
              .repository(home.resolve("audit").resolve("repository.git"))
              .outbox(home.resolve("audit").resolve("outbox"))
              .signer(signer)
              // What `cairn audit verify` checks the branch never went back from.
              .deliveredTip(home.resolve("audit").resolve("delivered-tip"))
              .build();
      // Delivers at once whatever an earlier process left in the outbox.
      audit.start();
      telemetry.metrics().auditPending(() -> audit.status().pending());
    } else {
      this.audit = null;
    }
    this.reverter =
        GitReverter.builder()
            .remote(remote)
            .branch(options.branch())
            .credentials(credentials)
            .repository(home.resolve("revert").resolve("repository.git"))
            .build();
    FileRunStore runStore = new FileRunStore(home.resolve("runs"));
    this.gitHub =
        options.gitHub() == null
            ? null
            : GitHubStatuses.start(
                options.gitHub(),
                credentialStore,
                runStore,
                () -> "http://" + options.httpHost() + ":" + httpPort(),
                line ->
                    options.listener().event(new RunEvent("-", RunEvent.Kind.ERROR, null, line)));
    RuntimePorts ports =
        RuntimePorts.builder()
            .runs(runStore)
            .environments(environments)
            .jobs(jobs)
            .logs(new dev.cairn.local.job.LogDirectory(home.resolve("logs")))
            .artifacts(artifacts)
            .secrets(secrets)
            .source(
                (commitId, target) -> {
                  Workspaces at = new Workspaces(target.getParent());
                  at.create(mirror.repository(), commitId, target.getFileName().toString());
                })
            .target(new DeployTarget.Processes(deployer, services))
            .listener(
                options
                    .listener()
                    .andThen(telemetry.listener())
                    .andThen(gitHub == null ? event -> {} : gitHub.listener()))
            .audit(
                audit == null
                    ? null
                    : new CommitTimeAuditLog(
                        audit, id -> mirror.commit(id).map(CommitInfo::commitTime)))
            .reverter(this::revert)
            .jobEnvironment(options.jobEnvironment())
            .images(new PodmanImages(podman, home.resolve("logs").resolve("images")))
            .workDirectory(home)
            .cairnVersion(dev.cairn.cli.CairnVersion.current())
            // The trail says when a run's jobs or releases run as plain processes (no bubblewrap).
            .isolation(jobs.isolation().sandboxed() && deployer.releasesIsolated() ? null : "none")
            .build();
    SqliteExecutionStore executions =
        SqliteExecutionStore.open(home.resolve("engine").resolve("runs.db"));
    this.pipelines = new PipelineService(executions, ports);
    this.apiToken =
        ApiToken.loadOrCreate(
            credentialStore,
            CairnCredentials.API_TOKEN,
            CairnCredentials.API_ACTOR,
            System.getProperty("user.name"));
    this.server =
        CairnServer.start(
            options.httpHost(),
            options.httpPort(),
            new CairnServer.Routes(
                () -> {
                  telemetry.metrics().webhookDelivered();
                  notifyPush();
                },
                this::status,
                this::runs,
                // `cairn secrets set cairn-webhook-secret`: then pushes must be signed.
                credentialStore.get(CairnCredentials.WEBHOOK_SECRET).orElse(null),
                this::act,
                apiToken,
                options.security().extraHosts(),
                new DashboardView(
                    home,
                    options.repository(),
                    mirror,
                    pipelines,
                    executions,
                    deployer,
                    audit == null ? null : home.resolve("audit").resolve("repository.git")),
                telemetry::scrape));
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
    this.auditStatus = new AuditStatusFile(audit, home);
    // Last: the runs in progress are resumed, so supervision leaves their environments alone.
    this.supervisor =
        new Supervisor(
            home,
            deployer,
            services,
            pipelines,
            id -> commits.resolve(id).treeId(),
            options.listener());
    supervisor.start();
  }

  /** Starts the loop. */
  public static LocalCairn start(LoopOptions options) throws IOException {
    return new LocalCairn(options);
  }

  private void newCommit(CommitInfo commit) {
    // A commit found within a poll interval of a push notification is that push's; the watcher
    // merges notifications, so this is the closest it can tell.
    Instant notice = lastPushNotice.get();
    boolean pushed = notice != null && notice.plus(options.pollInterval()).isAfter(Instant.now());
    try {
      pipelines.submit(
          pushed
              ? RunRequest.pushed(commit.id(), commit.treeId(), commit.shortMessage())
              : RunRequest.polled(commit.id(), commit.treeId(), commit.shortMessage()));
    } catch (IOException | RuntimeException e) {
      options
          .listener()
          .event(
              new RunEvent(
                  "-",
                  RunEvent.Kind.ERROR,
                  null,
                  "could not start a run for " + commit.id() + ": " + e.getMessage()));
    }
  }

  /**
   * Performs a manual deploy or rollback asked for over HTTP by {@code actor} (the API token's
   * holder). Only commits of the watched branch, unless the request says {@code "allowUnmerged":
   * true}, which the manual action's audit record says ({@code allowUnmerged}).
   */
  private JsonNode act(String action, JsonNode request, String actor) {
    JsonNode name = request.path("environment");
    if (!name.isTextual() || name.asText().isEmpty()) {
      throw new IllegalArgumentException("\"environment\" is required");
    }
    // Before any use: environment names become file names.
    String environment = EnvironmentNames.require(name.asText());
    boolean allowUnmerged = request.path("allowUnmerged").asBoolean(false);
    try {
      String runId;
      if (action.equals("deploy")) {
        CommitInfo commit =
            commits.onBranch(commits.resolve(request.path("commit").asText(null)), allowUnmerged);
        runId =
            pipelines.deploy(
                environment,
                commit.id(),
                commit.treeId(),
                commit.shortMessage(),
                actor,
                allowUnmerged);
      } else {
        String to =
            request.hasNonNull("to")
                ? commits.onBranch(commits.resolve(request.get("to").asText()), allowUnmerged).id()
                : null;
        runId =
            pipelines.rollback(
                environment, to, id -> commits.resolve(id).treeId(), actor, allowUnmerged);
      }
      ObjectNode result = Json.object();
      result.put("run", runId);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Pushes a revert commit; when it went to the deployed branch, looks at the branch at once: no
   * hook reports Cairn's own push, and the revert is the next commit to deploy (its tree is the
   * last good one, so its artifact is reused).
   */
  private dev.cairn.pipeline.port.SourceReverter.Reverted revert(
      String commit, boolean ontoDeployedBranch) throws IOException {
    var reverted = reverter.revert(commit, ontoDeployedBranch);
    if (reverted.branch().equals(options.branch())) {
      notifyPush();
    }
    return reverted;
  }

  private List<dev.cairn.engine.execution.HistoryEvent> history(String run) {
    // Runs resumed at start may end before the pipeline service is assigned.
    return pipelines == null ? List.of() : pipelines.history(run);
  }

  /** Checks the repository now (what a push notification does). */
  public void notifyPush() {
    lastPushNotice.set(Instant.now());
    watcher.notifyPush();
  }

  /** The audit trail's delivery status, or empty when the trail is off. */
  public java.util.Optional<AuditDeliveryStatus> auditStatus() {
    return audit == null ? java.util.Optional.empty() : java.util.Optional.of(audit.status());
  }

  /** Delivers the queued audit records now, on the calling thread (the demo's last step). */
  public java.util.Optional<AuditDeliveryStatus> flushAudit() {
    return audit == null ? java.util.Optional.empty() : java.util.Optional.of(audit.flush());
  }

  /** The credential of the HTTP API ({@code Authorization: Bearer}), as the CLI sends it. */
  public ApiToken apiToken() {
    return apiToken;
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
    for (String environment :
        PromotionOrder.sort(deployer.environments(), PromotionOrder.of(options.home()))) {
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
      pipelines
          .ledger(environment)
          .lastGood()
          .ifPresent(good -> node.put("lastGood", good.commit()));
    }
    status.set("audit", auditStatus.json());
    // Why new commits are not picked up (remote unreachable, disk full), when they are not.
    watcher.status().lastError().ifPresent(e -> status.putObject("watcher").put("lastError", e));
    status.set("isolation", isolationJson());
    return status;
  }

  /** The isolation build jobs run with, as {@code cairn status} shows it. */
  public ObjectNode isolationJson() {
    var isolation = jobs.isolation();
    ObjectNode node = Json.object();
    node.put("sandboxed", isolation.sandboxed());
    node.put("limited", isolation.limited());
    node.put("releasesSandboxed", deployer.releasesIsolated());
    isolation.warningLine().ifPresent(w -> node.put("warning", w));
    return node;
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
    supervisor.close();
    for (String environment : deployer.environments()) {
      deployer.destroy(environment);
    }
    services.stopAll();
  }

  @Override
  public void close() {
    supervisor.close();
    watcher.close();
    server.close();
    pipelines.close();
    telemetry.close();
    if (gitHub != null) {
      gitHub.close();
    }
    auditStatus.close();
    if (audit != null) {
      // Queued records stay in the outbox for the next start.
      audit.close();
    }
    reverter.close();
    mirror.close();
  }
}
