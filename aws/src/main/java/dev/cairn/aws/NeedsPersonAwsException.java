package dev.cairn.aws;

/**
 * An AWS call was refused for a reason a retry cannot fix (access denied, a missing resource, an
 * invalid request): a person must change the configuration, the permissions or the input.
 */
public final class NeedsPersonAwsException extends AwsException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message for people; contains no secret
   * @param errorCode the AWS error code
   * @param cause the SDK's exception, or null where it could hold sensitive text
   */
  public NeedsPersonAwsException(String message, String errorCode, Throwable cause) {
    super(message, errorCode, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
