package dev.cairn.pipeline.runtime;

import dev.cairn.pipeline.port.PipelineListener;
import dev.cairn.pipeline.port.RunEvent;
import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns the milestones of runs into status messages (commit statuses on the git host; SQS on AWS):
 * the build pending, succeeded or failed; each environment deploying, baking, deployed, rolled back
 * or skipped as bad. Output lines and Cairn's own notices are not statuses. A message that cannot
 * be sent costs a stale status, never the run: the failure goes to {@code onFailure}.
 */
public final class StatusPublishingListener implements PipelineListener {
  private final StatusPublisher publisher;
  private final RunStore runs;
  private final Clock clock;
  private final Consumer<String> onFailure;

  /**
   * A listener.
   *
   * @param publisher where messages go
   * @param runs the runs' facts (a message names the run's commit)
   * @param clock the time of messages
   * @param onFailure told, in one line, when a message could not be sent
   */
  public StatusPublishingListener(
      StatusPublisher publisher, RunStore runs, Clock clock, Consumer<String> onFailure) {
    this.publisher = publisher;
    this.runs = runs;
    this.clock = clock;
    this.onFailure = onFailure;
  }

  @Override
  public void event(RunEvent event) {
    Optional<StatusMessage.State> state = stateOf(event.kind());
    if (state.isEmpty()) {
      return;
    }
    try {
      Optional<RunFacts> facts = runs.find(event.run());
      if (facts.isEmpty()) {
        return;
      }
      String commit = facts.get().commit();
      publisher.publish(
          new StatusMessage(
              event.run(),
              commit,
              event.environment(),
              state.get(),
              describe(event, RunFacts.shortId(commit)),
              clock.instant()));
    } catch (RuntimeException e) {
      onFailure.accept("status message not sent: " + e.getMessage());
    }
  }

  /** The commit status a kind of event sets, if any. */
  static Optional<StatusMessage.State> stateOf(RunEvent.Kind kind) {
    return Optional.ofNullable(
        switch (kind) {
          case RUN_STARTED, DEPLOY_STARTED, SWITCHED -> StatusMessage.State.PENDING;
          case BUILD_REUSED, BUILD_SUCCEEDED, DEPLOYED -> StatusMessage.State.SUCCESS;
          case BUILD_FAILED, ROLLED_BACK, SKIPPED -> StatusMessage.State.FAILURE;
          default -> null;
        });
  }

  private static String describe(RunEvent event, String commit) {
    String where = event.environment() == null ? "" : " " + event.environment();
    String first =
        event.message() == null ? "" : event.message().lines().findFirst().orElse("").strip();
    String text =
        switch (event.kind()) {
          case RUN_STARTED -> "building " + commit;
          case DEPLOY_STARTED -> "deploying " + commit + " to" + where;
          case SWITCHED -> where.strip() + " now serves " + commit + "; baking";
          case BUILD_REUSED, BUILD_SUCCEEDED -> "built " + commit;
          case DEPLOYED -> "deployed " + commit + " to" + where;
          case BUILD_FAILED -> "build of " + commit + " failed: " + first;
          case ROLLED_BACK -> "rolled back" + where + ": " + first;
          case SKIPPED -> "skipped in" + where + ": " + first;
          default -> first;
        };
    return text.length() > 140 ? text.substring(0, 139) + "…" : text;
  }
}
