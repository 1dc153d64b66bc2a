package dev.cairn.cli.loop;

import dev.cairn.git.host.GitHostException;
import dev.cairn.git.host.GitHubApi;
import dev.cairn.git.host.GitHubNotifier;
import dev.cairn.local.secret.CairnCredentials;
import dev.cairn.pipeline.file.PipelineFileParser;
import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.SecretStore;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import dev.cairn.pipeline.runtime.RunFacts;
import dev.cairn.pipeline.runtime.RunStore;
import dev.cairn.pipeline.runtime.StatusPublishingListener;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local loop's commit statuses and deployments on GitHub: status messages are handed to a
 * {@link GitHubNotifier} on a thread of their own, one at a time and in order, so a slow, limited
 * or unreachable GitHub never holds up a run. A message GitHub still refuses after the API's
 * retries is reported in one line (without the token) and dropped: a status is a view, the audit
 * trail is the record.
 */
public final class GitHubStatuses implements StatusPublisher, AutoCloseable {
  private static final Pattern GITHUB_REMOTE =
      Pattern.compile(
          "(?:https://github\\.com/|git@github\\.com:)([\\w.-]+/[\\w.-]+?)(?:\\.git)?/?");

  /**
   * Where the local loop posts statuses.
   *
   * @param repository {@code owner/name}
   * @param api GitHub's API base, e.g. {@code https://api.github.com}
   * @param dashboardUrl the base of the run links, e.g. {@code http://cairn.example.com:7070}, or
   *     null for {@code http://HOST:PORT} of {@code serve}'s port
   */
  public record Target(String repository, URI api, String dashboardUrl) {
    /**
     * The target of {@code serve}'s options: {@code --github} or the owner and name of a GitHub
     * {@code --repo} URL; empty when neither names a GitHub repository.
     */
    public static Optional<Target> of(
        String githubOption, String repositoryOption, URI api, String dashboardUrl) {
      Optional<String> repository =
          githubOption != null ? Optional.of(githubOption) : repositoryOf(repositoryOption);
      return repository.map(r -> new Target(r, api == null ? defaultApi() : api, dashboardUrl));
    }
  }

  private final GitHubNotifier notifier;
  private final Function<StatusMessage, GitHubNotifier.Links> links;
  private final Consumer<String> warn;
  private PipelineListener listener = event -> {};
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "cairn-github-statuses");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Statuses through {@code notifier}.
   *
   * @param links the run's page and the environment's address for a message
   * @param warn told when a message could not be delivered
   */
  GitHubStatuses(
      GitHubNotifier notifier,
      Function<StatusMessage, GitHubNotifier.Links> links,
      Consumer<String> warn) {
    this.notifier = notifier;
    this.links = links;
    this.warn = warn;
  }

  /**
   * Statuses for the local loop: the notifier with {@code git-token} from Cairn's credentials, and
   * links to the run's dashboard page and to the environment's stable port.
   *
   * @param target where to post
   * @param credentials Cairn's credential store ({@code git-token})
   * @param runs the runs' facts (a message's commit and pipeline file)
   * @param dashboard the base of run links ({@code http://HOST:PORT}), asked for at each message
   *     (the port is known once the server listens)
   * @param warn told, in one line, when a status could not be delivered
   */
  static GitHubStatuses start(
      Target target,
      SecretStore credentials,
      RunStore runs,
      Supplier<String> dashboard,
      Consumer<String> warn) {
    GitHubApi api =
        new GitHubApi(
            target.api(),
            target.repository(),
            () ->
                credentials
                    .get(CairnCredentials.GIT_TOKEN)
                    .orElseThrow(
                        () ->
                            new GitHostException(
                                "no token to post statuses with: cairn secrets set "
                                    + CairnCredentials.GIT_TOKEN)));
    Function<StatusMessage, GitHubNotifier.Links> links =
        message -> {
          String base =
              (target.dashboardUrl() != null ? target.dashboardUrl() : dashboard.get())
                  .replaceAll("/+$", "");
          return new GitHubNotifier.Links(
              base + "/runs/" + message.run(), environmentUrl(runs, message, base));
        };
    GitHubStatuses statuses = new GitHubStatuses(new GitHubNotifier(api), links, warn);
    statuses.listener = new StatusPublishingListener(statuses, runs, Clock.systemUTC(), warn);
    return statuses;
  }

  /** Hears the runs' milestones and posts them. */
  PipelineListener listener() {
    return listener;
  }

  /** The environment's stable port on the dashboard's host, from the run's pipeline file. */
  private static String environmentUrl(RunStore runs, StatusMessage message, String base) {
    if (message.environment() == null) {
      return null;
    }
    try {
      String host = URI.create(base).getHost();
      return runs.find(message.run())
          .map(RunFacts::pipelineFile)
          .filter(Objects::nonNull)
          .flatMap(
              text ->
                  PipelineFileParser.parse("cairn.yml", text).environment(message.environment()))
          .filter(spec -> spec.app() != null)
          .map(spec -> "http://" + host + ":" + spec.app().port() + "/")
          .orElse(null);
    } catch (RuntimeException e) {
      return null; // an address is a courtesy; the status goes without it
    }
  }

  /** The {@code owner/name} of a GitHub remote URL, if it is one. */
  static Optional<String> repositoryOf(String remote) {
    if (remote == null) {
      return Optional.empty();
    }
    Matcher m = GITHUB_REMOTE.matcher(remote.strip());
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** GitHub's API for github.com. */
  static URI defaultApi() {
    return URI.create("https://api.github.com");
  }

  @Override
  public void publish(StatusMessage message) {
    sender.execute(
        () -> {
          try {
            notifier.deliver(message, links.apply(message));
          } catch (GitHostException | IllegalArgumentException e) {
            warn.accept(
                "GitHub status of run " + message.run() + " not delivered: " + e.getMessage());
          }
        });
  }

  /** Sends what is queued (up to ten seconds), then stops. */
  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
