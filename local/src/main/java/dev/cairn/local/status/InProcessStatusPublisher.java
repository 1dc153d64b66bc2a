package dev.cairn.local.status;

import dev.cairn.pipeline.port.StatusMessage;
import dev.cairn.pipeline.port.StatusPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands status messages to subscribers in the same process (the dashboard, the commit-status
 * notifier), synchronously, in publication order. A failing subscriber is logged and skipped: it
 * never fails the publisher or the other subscribers.
 */
public final class InProcessStatusPublisher implements StatusPublisher {
  private static final Logger LOG = Logger.getLogger(InProcessStatusPublisher.class.getName());

  private final List<Consumer<StatusMessage>> subscribers = new CopyOnWriteArrayList<>();

  /**
   * Adds a subscriber.
   *
   * @return closing it removes the subscriber
   */
  public AutoCloseable subscribe(Consumer<StatusMessage> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  @Override
  public void publish(StatusMessage message) {
    for (Consumer<StatusMessage> subscriber : subscribers) {
      try {
        subscriber.accept(message);
      } catch (RuntimeException e) {
        // The message names no secret (see StatusMessage), so it may be logged.
        LOG.log(
            Level.WARNING,
            "a status subscriber failed on run " + message.run() + ": " + e.getMessage(),
            e);
      }
    }
  }

  @Override
  public String toString() {
    return "InProcessStatusPublisher[" + subscribers.size() + " subscribers]";
  }
}
