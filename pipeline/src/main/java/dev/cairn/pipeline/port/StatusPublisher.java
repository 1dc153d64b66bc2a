package dev.cairn.pipeline.port;

/**
 * Sends status messages about runs to whoever shows them: locally, in-process subscribers (the
 * dashboard, commit statuses); on AWS, an SQS queue whose consumer sets commit statuses on the git
 * host.
 *
 * <p>Messages carry no secrets (see {@link StatusMessage}). Delivery order is not guaranteed
 * everywhere (a standard SQS queue may reorder), so consumers order by {@link StatusMessage#at()}.
 */
public interface StatusPublisher {
  /**
   * Publishes one message. Returns once the message is handed over durably (for SQS: accepted by
   * the queue).
   *
   * @throws RuntimeException an adapter-specific unchecked exception when the message could not be
   *     handed over; it says whether retrying may help
   */
  void publish(StatusMessage message);
}
