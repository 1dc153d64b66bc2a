package dev.cairn.aws.lambda.audit;

/**
 * An audit record could not be pushed to the trail. Thrown out of the handler so that the Lambda
 * invocation fails and the state machine retries it. The message never holds the token.
 */
public final class AuditNotDeliveredException extends RuntimeException {
  /** A failure, described for people. */
  public AuditNotDeliveredException(String message) {
    super(message);
  }
}
