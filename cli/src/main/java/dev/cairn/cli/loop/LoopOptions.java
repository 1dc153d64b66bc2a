package dev.cairn.cli.loop;

import dev.cairn.pipeline.port.PipelineListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How the local loop ({@link LocalCairn}) runs.
 *
 * @param home CAIRN_HOME
 * @param repository the application repository: a local path or a URL
 * @param branch the branch to deploy
 * @param pollInterval how often the remote is checked without a notification
 * @param httpHost the address of Cairn's HTTP port
 * @param httpPort the HTTP port (0 for any free one)
 * @param jobEnvironment environment variables every build, migration and release gets
 * @param listener hears what happens
 * @param auditTrail whether the audit trail is kept in the repository
 * @param security what the loop refuses to do without isolation, and who may call it
 * @param traces where each run's trace goes (e.g. OTLP), or null for no traces
 * @param gitHub where commit statuses and deployments are posted, or null for nowhere
 */
public record LoopOptions(
    Path home,
    String repository,
    String branch,
    Duration pollInterval,
    String httpHost,
    int httpPort,
    Map<String, String> jobEnvironment,
    PipelineListener listener,
    AuditTrail auditTrail,
    Security security,
    io.opentelemetry.sdk.trace.export.SpanExporter traces,
    GitHubStatuses.Target gitHub) {

  /** Options without GitHub statuses. */
  public LoopOptions(
      Path home,
      String repository,
      String branch,
      Duration pollInterval,
      String httpHost,
      int httpPort,
      Map<String, String> jobEnvironment,
      PipelineListener listener,
      AuditTrail auditTrail,
      Security security,
      io.opentelemetry.sdk.trace.export.SpanExporter traces) {
    this(
        home,
        repository,
        branch,
        pollInterval,
        httpHost,
        httpPort,
        jobEnvironment,
        listener,
        auditTrail,
        security,
        traces,
        null);
  }

  /** These options, posting statuses to {@code target} (null: nowhere). */
  public LoopOptions withGitHub(GitHubStatuses.Target target) {
    return new LoopOptions(
        home,
        repository,
        branch,
        pollInterval,
        httpHost,
        httpPort,
        jobEnvironment,
        listener,
        auditTrail,
        security,
        traces,
        target);
  }

  /** Options with the default {@link Security}. */
  public LoopOptions(
      Path home,
      String repository,
      String branch,
      Duration pollInterval,
      String httpHost,
      int httpPort,
      Map<String, String> jobEnvironment,
      PipelineListener listener,
      AuditTrail auditTrail) {
    this(
        home,
        repository,
        branch,
        pollInterval,
        httpHost,
        httpPort,
        jobEnvironment,
        listener,
        auditTrail,
        Security.DEFAULT,
        null);
  }

  /** Options with the audit trail kept in git. */
  public LoopOptions(
      Path home,
      String repository,
      String branch,
      Duration pollInterval,
      String httpHost,
      int httpPort,
      Map<String, String> jobEnvironment,
      PipelineListener listener) {
    this(
        home,
        repository,
        branch,
        pollInterval,
        httpHost,
        httpPort,
        jobEnvironment,
        listener,
        AuditTrail.GIT);
  }

  /** Whether Cairn keeps the audit trail in the application repository. */
  public enum AuditTrail {
    /** Records on {@code cairn/audit}, notes on {@code refs/notes/cairn}, pushed to the remote. */
    GIT,
    /** No records at all (e.g. a remote Cairn must not push to). */
    OFF
  }

  /**
   * The loop's security settings.
   *
   * @param requireSandbox refuse to start when build jobs cannot be sandboxed ({@code cairn serve}
   *     unless {@code --insecure-no-sandbox})
   * @param extraHosts host names clients reach the HTTP port by beside loopback and the bound
   *     address (e.g. a TLS proxy in front)
   * @param sandboxShares directories builds, migrations and releases may read and write (the
   *     operator's choice, e.g. a shared cache: every commit's code can change them)
   */
  public record Security(
      boolean requireSandbox,
      java.util.List<String> extraHosts,
      java.util.List<Path> sandboxShares) {
    /** No sandbox required (tests and the demo decide for themselves), loopback names only. */
    public static final Security DEFAULT =
        new Security(false, java.util.List.of(), java.util.List.of());

    /** Copies. */
    public Security {
      extraHosts = java.util.List.copyOf(extraHosts);
      sandboxShares = java.util.List.copyOf(sandboxShares);
    }
  }
}
