package dev.cairn.cli.loop;

import dev.cairn.git.host.GitHostException;
import dev.cairn.git.host.GitHubNotifier;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local loop's commit statuses and deployments on GitHub: status messages are handed to a
 * {@link GitHubNotifier} on a thread of their own, one at a time and in order, so a slow, limited
 * or unreachable GitHub never holds up a run. A message GitHub still refuses after the API's
 * retries is reported in one line (without the token) and dropped: a status is a view, the audit
 * trail is the record.
 */
final class GitHubStatuses implements StatusPublisher, AutoCloseable {
  private static final Pattern GITHUB_REMOTE =
      Pattern.compile(
          "(?:https://github\\.com/|git@github\\.com:)([\\w.-]+/[\\w.-]+?)(?:\\.git)?/?");

  private final GitHubNotifier notifier;
  private final Function<StatusMessage, GitHubNotifier.Links> links;
  private final Consumer<String> warn;
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
