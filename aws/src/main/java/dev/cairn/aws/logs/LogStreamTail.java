package dev.cairn.aws.logs;

import java.util.Objects;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * Follows one CloudWatch Logs stream from its start: each {@link #read} gives the events written
 * since the previous one. What the jobs Cairn starts on AWS print (a Batch job, a CodeBuild build,
 * an ECS task) reaches the run's output this way, while they run and once more when they end.
 */
public final class LogStreamTail {
  private final CloudWatchLogsClient logs;
  private final String group;
  private final String stream;
  private String nextToken;

  /**
   * @param logs the client
   * @param group the log group
   * @param stream the log stream, which may not exist yet
   */
  public LogStreamTail(CloudWatchLogsClient logs, String group, String stream) {
    this.logs = Objects.requireNonNull(logs, "logs");
    this.group = Objects.requireNonNull(group, "group");
    this.stream = Objects.requireNonNull(stream, "stream");
  }

  /** The log group. */
  public String group() {
    return group;
  }

  /** The log stream. */
  public String stream() {
    return stream;
  }

  /**
   * Gives each message written since the previous read to {@code lines}, oldest first; nothing
   * while the stream does not exist yet (the job has not written).
   *
   * @throws SdkException when CloudWatch Logs fails otherwise; the next read goes on from where
   *     this one stopped
   */
  public void read(Consumer<String> lines) {
    while (true) {
      GetLogEventsResponse page;
      try {
        String token = nextToken;
        page =
            logs.getLogEvents(
                b -> {
                  b.logGroupName(group).logStreamName(stream).startFromHead(true);
                  if (token != null) {
                    b.nextToken(token);
                  }
                });
      } catch (ResourceNotFoundException e) {
        return;
      }
      for (OutputLogEvent event : page.events()) {
        lines.accept(event.message());
      }
      // At the end of the stream the forward token stays the same.
      boolean end = Objects.equals(page.nextForwardToken(), nextToken) || page.events().isEmpty();
      nextToken = page.nextForwardToken();
      if (end) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    return group + " " + stream;
  }
}
