package dev.cairn.aws.lambda.status;

/**
 * A commit status that could not be created. The message never holds the token. The notifier
 * reports the SQS message as failed either way: a transient failure is retried by SQS, a permanent
 * one ends in the dead-letter queue, where a person can see it.
 */
public final class StatusDeliveryException extends RuntimeException {
  /** A failure, described for people. */
  public StatusDeliveryException(String message) {
    super(message);
  }
}
