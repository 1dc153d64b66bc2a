package dev.cairn.pipeline.port;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link StatusPublisher} adapter has: what is published reaches the consumer
 * whole. An adapter's test extends this class, gives a publisher with a fresh destination and says
 * how a consumer receives from it.
 */
public abstract class StatusPublisherContract {
  private StatusPublisher publisher;

  /** A publisher with a fresh, empty destination (called before each test). */
  protected abstract StatusPublisher newPublisher() throws Exception;

  /**
   * Waits until {@code count} messages arrived at the destination of {@code publisher} and returns
   * them (in any order), failing if they do not arrive within a few seconds.
   */
  protected abstract List<StatusMessage> awaitReceived(StatusPublisher publisher, int count)
      throws Exception;

  @BeforeEach
  void createPublisher() throws Exception {
    publisher = newPublisher();
  }

  private static StatusMessage message(String environment, StatusMessage.State state, int n) {
    return new StatusMessage(
        "run-" + UUID.randomUUID(),
        "0123456789abcdef0123456789abcdef0123456" + n,
        environment,
        state,
        "deployed to " + environment + " — ünïcode #" + n,
        Instant.parse("2026-01-02T03:04:05.123456Z").plusSeconds(n));
  }

  @Test
  void aPublishedMessageArrivesWhole() throws Exception {
    StatusMessage sent = message("production", StatusMessage.State.SUCCESS, 1);

    publisher.publish(sent);

    assertThat(awaitReceived(publisher, 1)).containsExactly(sent);
  }

  @Test
  void aBuildMessageHasNoEnvironment() throws Exception {
    StatusMessage sent =
        new StatusMessage(
            "run-1",
            "0123456789abcdef0123456789abcdef01234567",
            null,
            StatusMessage.State.PENDING,
            "building",
            Instant.parse("2026-01-02T03:04:05Z"));

    publisher.publish(sent);

    assertThat(awaitReceived(publisher, 1)).containsExactly(sent);
  }

  @Test
  void everyMessageArrivesOnce() throws Exception {
    List<StatusMessage> sent = new ArrayList<>();
    StatusMessage.State[] states = StatusMessage.State.values();
    for (int i = 0; i < 8; i++) {
      sent.add(message("env" + i, states[i % states.length], i));
    }

    sent.forEach(publisher::publish);

    assertThat(awaitReceived(publisher, sent.size())).containsExactlyInAnyOrderElementsOf(sent);
  }
}
