package dev.cairn.cli;

import dev.cairn.cli.loop.GitHubStatuses;
import dev.cairn.cli.loop.LocalCairn;
import dev.cairn.cli.loop.LoopOptions;
import dev.cairn.cli.loop.Narrator;
import dev.cairn.telemetry.tracing.Tracing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn serve}: the GitOps loop for one repository, until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Watch a repository and run every new commit on its branch through its cairn.yml.",
      "Builds, deploys, verifies, and rolls back automatically. Stops on Ctrl-C; releases,"
          + " proxies and services keep running and are re-adopted on the next start."
    })
public final class ServeCommand implements Callable<Integer> {
  @Option(
      names = "--repo",
      required = true,
      paramLabel = "PATH|URL",
      description = "The application repository (a local path installs a push hook).")
  String repository;

  @Option(
      names = "--branch",
      defaultValue = "main",
      description = "The branch to deploy (default: ${DEFAULT-VALUE}).")
  String branch;

  @Option(
      names = "--poll",
      defaultValue = "5s",
      paramLabel = "DURATION",
      description =
          "How often to check the remote without a notification (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "The address of Cairn's HTTP port (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "7070",
      description = "Cairn's HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--build-env",
      paramLabel = "NAME=VALUE",
      description = "An environment variable every build and migration gets (repeatable).")
  Map<String, String> buildEnv = Map.of();

  @Option(
      names = "--build-env-file",
      paramLabel = "FILE",
      description =
          "NAME=VALUE lines every build and migration gets: for values that must not appear in"
              + " the process list, as --build-env's do.")
  Path buildEnvFile;

  @Option(
      names = "--insecure-no-sandbox",
      description =
          "Build even where bubblewrap cannot sandbox the steps (they then run as plain processes"
              + " of Cairn's user). Without it, serve refuses to start there.")
  boolean insecureNoSandbox;

  @Option(
      names = "--allow-host",
      paramLabel = "NAME",
      description =
          "A host name clients reach the HTTP port by, beside loopback and --host (e.g. a TLS"
              + " proxy's); repeatable.")
  java.util.List<String> allowHosts = new java.util.ArrayList<>();

  @Option(
      names = "--sandbox-share",
      paramLabel = "DIR",
      description =
          "A directory builds, migrations and releases may read and write (e.g. a shared cache);"
              + " every commit's code can then change it. Repeatable.")
  java.util.List<Path> sandboxShares = new java.util.ArrayList<>();

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description =
          "Export each run's trace with OTLP over HTTP to this base URL, e.g."
              + " http://localhost:4318 (traces go to URL/v1/traces). Default: the"
              + " OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT variable;"
              + " without either, no traces.")
  String otlpEndpoint;

  @Option(
      names = "--github",
      paramLabel = "OWNER/REPO",
      description =
          "Post commit statuses and deployments to this GitHub repository (default: the"
              + " repository of a https://github.com/OWNER/REPO --repo; see docs/github.md).")
  String github;

  @Option(
      names = "--github-api",
      paramLabel = "URL",
      description =
          "GitHub's API (default: https://api.github.com; GitHub Enterprise: its /api/v3).")
  java.net.URI githubApi;

  @Option(
      names = "--dashboard-url",
      paramLabel = "URL",
      description =
          "The address people reach this port by (e.g. behind a TLS proxy), for links from GitHub"
              + " (default: http://HOST:PORT).")
  String dashboardUrl;

  @Option(names = "--verbose", description = "Also print build output.")
  boolean verbose;

  @Option(
      names = "--audit",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Keep the audit trail in the repository: records on branch cairn/audit, notes on"
              + " refs/notes/cairn, pushed to the remote (default: on; --no-audit turns it off).")
  boolean audit;

  @Override
  public Integer call() throws Exception {
    try {
      return serve();
    } catch (IllegalStateException | IllegalArgumentException e) {
      // Refusals at start (no sandbox, a bind beyond loopback without a token): no stack trace.
      throw new UserInputException(e.getMessage());
    }
  }

  private Integer serve() throws Exception {
    Duration pollInterval =
        dev.cairn.pipeline.file.Durations.parse(poll)
            .orElseThrow(
                () ->
                    new UserInputException(
                        "--poll: '" + poll + "' is not a duration like 5s or 1m"));
    RepositoryArgument.refuseEmbeddedCredentials(repository);
    Map<String, String> environment = new java.util.LinkedHashMap<>(buildEnv);
    if (buildEnvFile != null) {
      environment.putAll(RepositoryArgument.readEnvFile(buildEnvFile));
    }
    Path home = CairnHome.path();
    java.util.Optional<String> traces =
        otlpEndpoint != null
            ? java.util.Optional.of(
                Tracing.tracesUrl(Tracing.requireUrl("--otlp-endpoint", otlpEndpoint)))
            : Tracing.otlpEndpoint(System.getenv());
    Narrator narrator = new Narrator(System.out, verbose);
    try (LocalCairn cairn =
        LocalCairn.start(
            new LoopOptions(
                    home,
                    repository,
                    branch,
                    pollInterval,
                    host,
                    port,
                    environment,
                    narrator,
                    audit ? LoopOptions.AuditTrail.GIT : LoopOptions.AuditTrail.OFF,
                    new LoopOptions.Security(!insecureNoSandbox, allowHosts, sandboxShares),
                    traces.map(Tracing::otlpExporter).orElse(null))
                .withGitHub(
                    GitHubStatuses.Target.of(github, repository, githubApi, dashboardUrl)
                        .orElse(null)))) {
      System.out.println(
          "cairn: watching "
              + repository
              + " ("
              + branch
              + "), state in "
              + home
              + ", http://"
              + host
              + ":"
              + cairn.httpPort());
      System.out.println("cairn: dashboard " + DemoCommand.dashboard(host, cairn.httpPort(), home));
      System.out.println("cairn: " + Narrator.describe(cairn.jobs().isolation()));
      System.out.println(
          "cairn: container releases (build.image) "
              + dev.cairn.local.container.Podman.fromPath()
                  .unavailable()
                  .map(reason -> "cannot run here: " + reason)
                  .orElse("run on Podman"));
      GitHubStatuses.Target.of(github, repository, githubApi, dashboardUrl)
          .ifPresent(
              t ->
                  System.out.println(
                      "cairn: commit statuses and deployments go to GitHub " + t.repository()));
      traces.ifPresent(
          url -> System.out.println("cairn: each run's trace goes to " + Tracing.forDisplay(url)));
      if (insecureNoSandbox && !cairn.jobs().isolation().sandboxed()) {
        System.out.println(
            "cairn: WARNING: --insecure-no-sandbox: build steps run as plain processes of "
                + System.getProperty("user.name")
                + " and can read everything this user can");
      }
      ServerAddress.write(home, host, cairn.httpPort(), cairn.isolationJson());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    }
    return ExitCodes.OK;
  }
}
