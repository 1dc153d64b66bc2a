package dev.cairn.aws;

/** An AWS call failed for a passing reason (throttling, a server error, the network): retry it. */
public final class RetryableAwsException extends AwsException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message for people; contains no secret
   * @param errorCode the AWS error code
   * @param cause the SDK's exception, or null where it could hold sensitive text
   */
  public RetryableAwsException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
