package dev.cairn.aws;

/**
 * An AWS call made by an adapter failed. The subclass says how the caller should react: {@link
 * RetryableAwsException} (throttling, a server error, the network) is worth retrying as it is;
 * {@link NeedsPersonAwsException} (access denied, a missing resource, a rejected request) needs a
 * person to change something first.
 *
 * <p>Messages name the service, the operation and the resource, the AWS error code and request id —
 * never a secret value — and are fit to show to a user.
 */
public abstract sealed class AwsException extends RuntimeException
    permits RetryableAwsException, NeedsPersonAwsException {
  private static final long serialVersionUID = 1L;

  private final String errorCode;

  AwsException(String message, String errorCode, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /**
   * Tells whether repeating the same call later may succeed without anyone changing anything.
   *
   * @return true when a plain retry is the right reaction
   */
  public abstract boolean retryable();

  /**
   * The AWS error code (e.g. {@code AccessDeniedException}), or {@code ClientError} for failures
   * that never reached AWS.
   */
  public String errorCode() {
    return errorCode;
  }
}
